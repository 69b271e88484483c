// Package callback calls C, which calls back into Go; the callback needs a
// much bigger stack than the goroutine has, so the runtime moves the stack
// while runtime.cgocall's frame is parked in C. With a runtime whose cgocall
// lost its KeepAlive lines (Go issue 17785) that leaves an undead pointer;
// with the stock runtime it is correct code.
package callback

/*
void call_go(int depth);
*/
import "C"

//export goCallback
func goCallback(depth C.int) {
	sink += deep(int(depth))
}

var sink int

// deep uses about 1 KiB of stack per level.
func deep(n int) int {
	var buf [128]int
	buf[n%128] = n
	if n == 0 {
		return buf[0]
	}
	return deep(n-1) + buf[n%128]
}

// RoundTrip calls C, which calls goCallback(depth).
func RoundTrip(depth int) { C.call_go(C.int(depth)) }
