// Each call runs one Go callback and then stays in C for a while, so that
// garbage collections happen while the goroutine is inside the cgo call.
#include <time.h>

#include "_cgo_export.h"

void manyCall(int id, int stayMicros) {
	struct timespec ts = {0, (long)stayMicros * 1000};
	manyCallback(id);
	nanosleep(&ts, 0);
}
