// Threads created in C call into Go (outer), which calls C (inner), which
// calls back into Go.
#include <pthread.h>

#include "_cgo_export.h"

static int calls_per_thread;

void cthreadInner(void) { cthreadCallback(); }

static void *thread_main(void *arg) {
	(void)arg;
	for (int i = 0; i < calls_per_thread; i++)
		cthreadOuter();
	return 0;
}

void cthreadRun(int threads, int calls) {
	pthread_t t[64];
	if (threads > 64)
		threads = 64;
	calls_per_thread = calls;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], 0, thread_main, 0);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], 0);
}
