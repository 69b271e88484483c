/* host LIB.so N: loads the Go library with dlopen, makes N callback round
 * trips through it (Walk -> C -> Null, see lib.go) and prints the time per
 * round trip in ns, as "BenchmarkLibCallback N NS ns/op". */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void (*null_fn)(void);
static void cb(void) { null_fn(); }

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  void *h = dlopen(argv[1], RTLD_NOW);
  if (h == NULL) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  void (*walk)(void (*)(void), long) = (void (*)(void (*)(void), long))dlsym(h, "Walk");
  null_fn = (void (*)(void))dlsym(h, "Null");
  long n = atol(argv[2]);
  if (walk == NULL || null_fn == NULL || n <= 0)
    return 1;
  walk(cb, 1000); /* warm up */
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  walk(cb, n);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
  printf("BenchmarkLibCallback %ld %.1f ns/op\n", n, ns);
  return 0;
}
