#include "_cgo_export.h"

/* Calls back into Go, which grows the goroutine's stack, and returns a
 * value the caller checks: cmd/cgo's wrapper stores it into the Go
 * argument frame after this returns, through a pointer that must follow
 * the stack (_cgo_topofstack, Go issue 8771). */
int leftwrite_call(int n) {
	return leftwriteGrow(n) + 1;
}
