// Package cgobench holds the work measured by scripts/bench: a plain cgo
// call, a C->Go callback round trip, and deep recursions that make the
// runtime relocate a goroutine's stack many times, inside a callback (where
// a gate frame is parked on the stack) and outside one.
package cgobench

/*
void bench_noop(void);
void bench_callback(void);
void bench_callback_deep(int depth);
*/
import "C"

// Noop is a plain cgo call: Go -> C -> return.
func Noop() { C.bench_noop() }

// Callback is a round trip: Go -> C -> Go -> back.
func Callback() { C.bench_callback() }

//export benchGoNoop
func benchGoNoop() {}

//export benchGoDeep
func benchGoDeep(depth C.int) { Sink += Deep(int(depth)) }

// CallbackDeep recurses to depth inside a callback.
func CallbackDeep(depth int) { C.bench_callback_deep(C.int(depth)) }

// Sink keeps results alive.
var Sink int

// Deep uses about 1 KiB of stack per level, so a new goroutine (8 KiB) that
// recurses 256 levels has its stack moved five times (16, 32, 64, 128, 256 KiB).
//
//go:noinline
func Deep(n int) int {
	var buf [120]int
	buf[n%120] = n
	if n == 0 {
		return buf[0]
	}
	return Deep(n-1) + buf[n%120]
}
