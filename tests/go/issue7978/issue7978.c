// The C half of the issue 7978 shape: wait for the Go side, call back into Go
// (which grows its stack), then stay in C while the Go side collects garbage.
#include <stdint.h>

#include "_cgo_export.h"

void issue7978c(uint32_t *sync) {
	while (__atomic_load_n(sync, __ATOMIC_SEQ_CST) != 0)
		;
	__atomic_add_fetch(sync, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(sync, __ATOMIC_SEQ_CST) != 2)
		;
	issue7978cb();
	__atomic_add_fetch(sync, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(sync, __ATOMIC_SEQ_CST) != 6)
		;
}
