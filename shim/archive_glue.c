/* archive_glue: what the archives linked into the shim need from libc that
 * a shared object cannot take from it as they ask.
 *
 * stdin, stdout, stderr: the shim's own copies.
 * libbz2.a's bzlib.o (linked into the shim with the other compression
 * archives) reads these libc variables PC-relatively, as position-
 * independent executables may, which a shared object cannot do without a
 * text relocation. Hidden definitions here satisfy those references inside
 * libundead.so; they hold libc's FILE pointers, copied at load (libc sets
 * them before any constructor and never changes them). Nothing outside the
 * shim sees them. */
#include <dlfcn.h>
#include <stddef.h>

typedef struct _IO_FILE FILE;

__attribute__((visibility("hidden"))) FILE *stdin, *stdout, *stderr;

__attribute__((constructor(101))) static void ud_stdio_local_init(void) {
  FILE **p;
  if ((p = dlsym(RTLD_DEFAULT, "stdin")) != NULL)
    stdin = *p;
  if ((p = dlsym(RTLD_DEFAULT, "stdout")) != NULL)
    stdout = *p;
  if ((p = dlsym(RTLD_DEFAULT, "stderr")) != NULL)
    stderr = *p;
}

