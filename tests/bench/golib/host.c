/* host LIB.so N: loads the Go library with dlopen, makes N callback round
 * trips through it (Walk -> C -> Null, see lib.go) from a thread of its own
 * and prints the time per round trip in ns, as "BenchmarkLibCallback N NS
 * ns/op". Not from the main thread: there Go 1.21 asks pthread_getattr_np
 * for the stack bounds at every callback, which reads /proc/self/maps and
 * would be all that is measured. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void (*null_fn)(void);
static void (*walk)(void (*)(void), long);
static long n;
static double ns;
static void cb(void) { null_fn(); }

static void *run(void *arg) {
  walk(cb, 1000); /* warm up */
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  walk(cb, n);
  clock_gettime(CLOCK_MONOTONIC, &b);
  ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
  return arg;
}

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  void *h = dlopen(argv[1], RTLD_NOW);
  if (h == NULL) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  walk = (void (*)(void (*)(void), long))dlsym(h, "Walk");
  null_fn = (void (*)(void))dlsym(h, "Null");
  n = atol(argv[2]);
  pthread_t t;
  if (walk == NULL || null_fn == NULL || n <= 0 || pthread_create(&t, NULL, run, NULL) != 0 ||
      pthread_join(t, NULL) != 0)
    return 1;
  printf("BenchmarkLibCallback %ld %.1f ns/op\n", n, ns);
  return 0;
}
