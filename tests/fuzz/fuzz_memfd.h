/* fuzz_memfd: a fuzz input as a file, for targets whose code under test
 * reads files: a memfd holding the bytes, at offset 0. */
#ifndef UNDEAD_FUZZ_MEMFD_H
#define UNDEAD_FUZZ_MEMFD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* The fd, or -1 if none could be made (the input is then skipped). */
static inline int fuzz_memfd(const uint8_t *data, size_t size) {
  int fd = memfd_create("fuzz", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  for (size_t off = 0; off < size;) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0)
      break;
    off += (size_t)w;
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

#endif
