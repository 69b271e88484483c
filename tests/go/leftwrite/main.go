// leftwrite: each round a goroutine with a small stack calls C, C calls
// back into Go, the callback grows the stack, and C returns a value that
// cmd/cgo's wrapper writes into the Go argument frame after the callback.
// The wrapper must write it to the frame on the new stack (Go issue 8771);
// with that adjustment removed it writes into the stack the goroutine left,
// and the Go caller reads a wrong result. The program checks every result:
// exit 0 when all are right, 1 (with a count) when any is wrong.
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

func main() {
	rounds := flag.Int("rounds", 40, "calls, each on a fresh goroutine")
	flag.Parse()
	wrong := 0
	for i := 0; i < *rounds; i++ {
		done := make(chan int)
		n := 8 + i%8
		go func() { done <- int(C.leftwrite_call(C.int(n))) }()
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
