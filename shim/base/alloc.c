/* alloc: calls to malloc from inside libundead.so bind, at link time, to the
 * jemalloc archive whose symbols --exclude-libs made local; the target's
 * malloc (libc's, or its own) is never used by the shim. */
#include "alloc.h"

#include <dlfcn.h>
#include <stdlib.h>

void *ud_alloc(size_t size) { return calloc(1, size); }

void ud_free(void *p) { free(p); }

bool ud_alloc_is_private(void) {
  void *global = dlsym(RTLD_DEFAULT, "malloc");
  return global != NULL && global != (void *)&malloc;
}
