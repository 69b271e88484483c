// leftwrite: each round a goroutine with a small stack calls C, C calls
// back into Go, the callback grows the stack, and C returns a value that
// cmd/cgo's wrapper writes into the Go argument frame after the callback.
// The wrapper must write it to the frame on the new stack (Go issue 8771);
// with that adjustment removed it writes into the stack the goroutine left,
// and the Go caller reads a wrong result. The program checks every result:
// exit 0 when all are right, 1 (with a count) when any is wrong.
//
// With -deep N the goroutine first calls down N frames of about 300 bytes
// and makes the cgo call from there: its stack has grown (with no cgo call
// open) before the call, so the move inside the callback leaves a stack of
// 4 KiB or more, one that owns its memory pages (a fresh goroutine's 2 KiB
// stack shares a page with another).
package main

/*
int leftwrite_call(int n);
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
)

//export leftwriteGrow
func leftwriteGrow(n C.int) C.int {
	return C.int(growStack(int(n))) + n
}

func growStack(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

// deepCall makes the cgo call from under depth frames.
func deepCall(depth, n int) int {
	var pad [32]int
	if depth == 0 {
		return int(C.leftwrite_call(C.int(n)))
	}
	pad[depth%32] = depth
	r := deepCall(depth-1, n)
	if pad[depth%32] != depth {
		panic("leftwrite: a frame changed under its goroutine")
	}
	return r
}

func main() {
	rounds := flag.Int("rounds", 40, "calls, each on a fresh goroutine")
	deep := flag.Int("deep", 0, "frames the goroutine calls down before the cgo call")
	flag.Parse()
	wrong := 0
	for i := 0; i < *rounds; i++ {
		done := make(chan int)
		n := 8 + i%8
		go func() { done <- deepCall(*deep, n) }()
		if got := <-done; got != n+1 {
			wrong++
		}
	}
	if wrong > 0 {
		fmt.Fprintf(os.Stderr, "leftwrite: %d of %d results wrong\n", wrong, *rounds)
		os.Exit(1)
	}
	fmt.Println("leftwrite: all results right")
}
