/* host MODE: a C host for the Go library tests/go/golib built as a
 * c-archive and linked in. The modes are those of host.py: walk, nested,
 * threads. Prints what the library returned (threads: how many threads
 * finished). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "golib.h"

static void grow_cb(int64_t item) { (void)item; GoGrow(64); }
static void walk_cb(int64_t item) { (void)item; GoWalk(grow_cb, 2); }
static void *thread_main(void *out) { *(int64_t *)out = GoWalk(grow_cb, 3); return NULL; }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "walk";
  int64_t r;
  if (strcmp(mode, "nested") == 0) {
    r = GoWalk(walk_cb, 2);
  } else if (strcmp(mode, "threads") == 0) {
    pthread_t t[4];
    int64_t out[4] = {0};
    for (int i = 0; i < 4; i++)
      pthread_create(&t[i], NULL, thread_main, &out[i]);
    r = 0;
    for (int i = 0; i < 4; i++)
      r += pthread_join(t[i], NULL) == 0 && out[i] > 0;
  } else {
    r = GoWalk(grow_cb, 4);
  }
  printf("%s: %lld\n", mode, (long long)r);
  return 0;
}
