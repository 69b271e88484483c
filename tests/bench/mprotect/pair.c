/* pair: what making memory inaccessible and accessible again costs on this
 * machine, the price the quarantine pays per held stack of 4 KiB or more
 * (shim/check/quarantine.h): mprotect(PROT_NONE) then
 * mprotect(PROT_READ|PROT_WRITE) of 4 KiB, 64 KiB and 1 MiB of a written
 * anonymous mapping, each range in a 2 MiB slot of its own (as held stacks
 * lie apart in the Go heap). Prints one line per size: "pair SIZE NS". */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
  enum { SLOTS = 32, SLOT = 2 << 20, N = 400 };
  char *m = mmap(NULL, (size_t)SLOTS * SLOT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (m == MAP_FAILED)
    return 1;
  memset(m, 0xdb, (size_t)SLOTS * SLOT);
  static const size_t sizes[] = {4096, 64 << 10, 1 << 20};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    double best = 0;
    for (int round = 0; round < 3; round++) {
      double t0 = now_ns();
      for (int i = 0; i < N; i++) {
        char *p = m + (size_t)(i % SLOTS) * SLOT;
        if (mprotect(p, sizes[k], PROT_NONE) != 0 ||
            mprotect(p, sizes[k], PROT_READ | PROT_WRITE) != 0)
          return 1;
      }
      double per = (now_ns() - t0) / N;
      if (round == 0 || per < best)
        best = per;
    }
    printf("pair %zu %.0f\n", sizes[k], best);
  }
  return 0;
}
