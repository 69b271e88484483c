// ctxchain: a program with its own cgo context function
// (runtime.SetCgoTraceback) whose callbacks grow the goroutine's stack while
// it is inside a C call. Prints how often its context function saw a
// callback enter and exit, and how often it was handed a value it never
// returned (must be 0).
package main

/*
#include <stdint.h>
struct ctxchain_arg;
void ctxchain_context(struct ctxchain_arg *arg);
void ctxchain_counts(long *e, long *x, long *f);
void ctxchain_call(int n);
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"unsafe"
)

//export ctxchainCallback
func ctxchainCallback() {
	growStack(64)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func init() {
	runtime.SetCgoTraceback(0, nil, unsafe.Pointer(C.ctxchain_context), nil)
}

func main() {
	calls := flag.Int("calls", 4, "callbacks per C call")
	flag.Parse()
	done := make(chan struct{})
	go func() {
		C.ctxchain_call(C.int(*calls))
		close(done)
	}()
	<-done
	var e, x, f C.long
	C.ctxchain_counts(&e, &x, &f)
	fmt.Printf("ctxchain: entries=%d exits=%d foreign=%d\n", e, x, f)
}
