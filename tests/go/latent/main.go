// latent: a latent undead pointer that ordinary runs never see. Worker
// goroutines first recurse a little (their stacks grow to a few KiB), then
// call C, which calls a small exported Go function many times: the stack
// never needs to move inside a callback, so no relocation happens while a
// gate is open, though the binary carries the bug when built on a runtime
// without cgocall's KeepAlive lines. With move_on_callback=1 every callback
// moves the stack once, and the bug shows at the first one.
//
// Prints, on success, the number of callbacks made (the counts test checks
// the shim's numbers against it).
package main

/*
void latentCall(int n);
*/
import "C"

import (
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
)

var callbacks int64

//export latentCallback
func latentCallback() {
	atomic.AddInt64(&callbacks, 1)
}

func grow(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	return buf[grow(n-1)&63] + 1
}

func main() {
	workers := flag.Int("workers", 4, "goroutines")
	calls := flag.Int("calls", 1000, "callbacks per C call")
	depth := flag.Int("depth", 16, "recursion before the C call (grows the stack)")
	flag.Parse()
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grow(*depth)
			C.latentCall(C.int(*calls))
		}()
	}
	wg.Wait()
	want := int64(*workers * *calls)
	if n := atomic.LoadInt64(&callbacks); n != want {
		panic(fmt.Sprintf("latent: %d callbacks, want %d", n, want))
	}
	fmt.Printf("latent: ok, %d callbacks\n", want)
}
