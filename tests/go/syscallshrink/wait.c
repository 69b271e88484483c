// A C call that waits, with no callback, until Go releases it: the
// goroutine that made it stays in the system-call state meanwhile.
#include <stdatomic.h>
#include <time.h>

static atomic_int inside, released;

void waitCall(void) {
  atomic_store(&inside, 1);
  struct timespec ts = {0, 1000000};
  while (!atomic_load(&released))
    nanosleep(&ts, 0);
  atomic_store(&inside, 0);
}
int waitInside(void) { return atomic_load(&inside); }
void waitRelease(void) { atomic_store(&released, 1); }
