// issue7978: a goroutine calls C, C calls back into Go, the callback grows the
// goroutine's stack, and while the goroutine is back in C the program collects
// garbage. The shape of Go's misc/cgo/test issue7978 test (Go issues 7978 and
// 17785). Exits 0 when every round completes.
package main

/*
#include <stdint.h>
void issue7978c(uint32_t *sync);
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
)

var issue7978sync uint32

func issue7978wait(store uint32, wait uint32) {
	if store != 0 {
		atomic.StoreUint32(&issue7978sync, store)
	}
	for atomic.LoadUint32(&issue7978sync) != wait {
		runtime.Gosched()
	}
}

//export issue7978cb
func issue7978cb() {
	// Force a stack growth from the callback (issue 17785).
	growStack(64)
	issue7978wait(3, 4)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func issue7978go(done chan<- struct{}) {
	C.issue7978c((*C.uint32_t)(&issue7978sync))
	issue7978wait(7, 8)
	done <- struct{}{}
}

func collect(n int) {
	for i := 0; i < n; i++ {
		runtime.GC()
	}
}

func main() {
	rounds := flag.Int("rounds", 3, "how many times to run the sequence")
	gcs := flag.Int("gcs", 4, "garbage collections at each stage")
	flag.Parse()
	for r := 0; r < *rounds; r++ {
		atomic.StoreUint32(&issue7978sync, 0)
		done := make(chan struct{})
		go issue7978go(done)
		issue7978wait(0, 1) // in C, before the callback
		collect(*gcs)
		issue7978wait(2, 3) // in Go, during the callback
		collect(*gcs)
		issue7978wait(4, 5) // in C, after the callback
		collect(*gcs)
		issue7978wait(6, 7) // in Go, after the C call returned
		collect(*gcs)
		atomic.StoreUint32(&issue7978sync, 8)
		<-done
	}
	fmt.Fprintln(os.Stdout, "issue7978: ok")
}
