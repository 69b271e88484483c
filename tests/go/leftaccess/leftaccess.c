#include <stdint.h>

#include "_cgo_export.h"

/* An address in the calling goroutine's stack, kept across calls: what C
 * must never do (the stack moves), done on purpose. */
static volatile int64_t *kept;

void leftaccess_keep(uintptr_t p) { kept = (volatile int64_t *)p; }

/* Calls back into Go, which grows the stack (it moves: the kept address is
 * now in the stack the goroutine left), then reads through the address. */
int64_t leftaccess_read_after(int n) {
	leftaccessGrow(n);
	return *kept;
}

/* The same, then writes through it. */
void leftaccess_write_after(int n, int64_t v) {
	leftaccessGrow(n);
	*kept = v;
}
