// golib: a Go library for C hosts (built -buildmode=c-shared and
// -buildmode=c-archive). GoWalk calls back into its host for each of n
// items through a C function pointer; the host's callback calls GoGrow,
// which recurses (the goroutine's stack grows inside the callback, with
// GoWalk's cgo call parked below it), and GoWalk collects garbage between
// items. GoNested adds a level: its host callback calls GoWalk. The
// library's name, given to GoName, tells two libraries apart in one host.
package main

/*
#include <stdint.h>
typedef void (*golib_cb)(int64_t item);
static inline void golib_call(golib_cb cb, int64_t item) { cb(item); }
*/
import "C"

import "runtime"

var grown int64

//export GoWalk
func GoWalk(cb C.golib_cb, n C.int64_t) C.int64_t {
	for i := C.int64_t(0); i < n; i++ {
		C.golib_call(cb, i)
		runtime.GC()
	}
	return C.int64_t(grown)
}

//export GoGrow
func GoGrow(depth C.int64_t) C.int64_t {
	grown++
	return C.int64_t(grow(int(depth)))
}

func grow(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[grow(n-1)&127] + 1
}

func main() {}
