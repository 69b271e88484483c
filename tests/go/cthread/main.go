// cthread: callbacks on threads Go never saw. C starts pthreads; each
// calls an exported Go function (the runtime lends it an extra M), which
// calls C, which calls back into Go and grows the stack: a gate frame opened
// on a goroutine of a C thread. Exits 0 when every thread completes.
package main

/*
#include <stdint.h>
void cthreadRun(int threads, int calls);
void cthreadInner(void);
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"sync/atomic"
)

var inner int64

//export cthreadOuter
func cthreadOuter() {
	C.cthreadInner()
	runtime.GC()
}

//export cthreadCallback
func cthreadCallback() {
	growStack(48)
	atomic.AddInt64(&inner, 1)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func main() {
	threads := flag.Int("threads", 4, "C threads")
	calls := flag.Int("calls", 3, "callbacks per thread")
	flag.Parse()
	C.cthreadRun(C.int(*threads), C.int(*calls))
	if want := int64(*threads * *calls); atomic.LoadInt64(&inner) != want {
		panic(fmt.Sprintf("cthread: %d inner callbacks, want %d", inner, want))
	}
	fmt.Println("cthread: ok")
}
