// A Go library (built -buildmode=c-shared) for scripts/bench: Walk calls
// its host's callback n times, each time from inside one cgo call, and the
// host's callback calls Null, a Go function that does nothing: n C->Go
// callback round trips with a gate open, as a library's host sees them.
package main

/*
typedef void (*bench_cb)(void);
static inline void bench_call(bench_cb cb, long n) { for (long i = 0; i < n; i++) cb(); }
*/
import "C"

//export Walk
func Walk(cb C.bench_cb, n C.long) { C.bench_call(cb, n) }

//export Null
func Null() {}

func main() {}
