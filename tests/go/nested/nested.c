// Two levels of C: Go -> nestOuter -> goOuter -> nestInner -> goInner.
// Each level spins after its callback returned, so that the Go side can
// collect garbage while both gate frames sit on the goroutine's stack.
#include <stdint.h>

#include "_cgo_export.h"

static void waitfor(uint32_t *sync, uint32_t v) {
	while (__atomic_load_n(sync, __ATOMIC_SEQ_CST) != v)
		;
}

void nestInner(uint32_t *sync) {
	goInner();
	__atomic_store_n(sync, 1, __ATOMIC_SEQ_CST);
	waitfor(sync, 2);
}

void nestOuter(uint32_t *sync) {
	goOuter();
	__atomic_store_n(sync, 3, __ATOMIC_SEQ_CST);
	waitfor(sync, 4);
}
