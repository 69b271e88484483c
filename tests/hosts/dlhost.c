/* dlhost LIB HOW: a C host that loads the Go library tests/go/golib
 * (-buildmode=c-shared) at run time and calls GoWalk with a callback that
 * calls GoGrow (a callback that grows the stack, as host.c's walk does).
 * HOW: dlopen (RTLD_NOW), deepbind (RTLD_NOW | RTLD_DEEPBIND), dlmopen
 * (dlmopen(LM_ID_NEWLM, ...): a namespace of its own). Built plain and
 * with -fsanitize=address (tests/e2e/golib_loaders.sh). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*golib_cb)(int64_t item);
static int64_t (*go_walk)(golib_cb, int64_t);
static int64_t (*go_grow)(int64_t);

static void grow_cb(int64_t item) { (void)item; go_grow(64); }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: dlhost LIB dlopen|deepbind|dlmopen\n");
    return 2;
  }
  void *h;
  if (strcmp(argv[2], "dlmopen") == 0)
    h = dlmopen(LM_ID_NEWLM, argv[1], RTLD_NOW);
  else
    h = dlopen(argv[1], RTLD_NOW | (strcmp(argv[2], "deepbind") == 0 ? RTLD_DEEPBIND : 0));
  if (h == NULL) {
    fprintf(stderr, "dlhost: %s\n", dlerror());
    return 2;
  }
  go_walk = (int64_t (*)(golib_cb, int64_t))dlsym(h, "GoWalk");
  go_grow = (int64_t (*)(int64_t))dlsym(h, "GoGrow");
  if (go_walk == NULL || go_grow == NULL) {
    fprintf(stderr, "dlhost: no GoWalk or GoGrow in %s\n", argv[1]);
    return 2;
  }
  printf("%s: %lld\n", argv[2], (long long)go_walk(grow_cb, 4));
  return 0;
}
