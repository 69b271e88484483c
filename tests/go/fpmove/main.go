// fpmove: a callback whose recursion grows the goroutine's stack several
// times (each growth a copy to a stack twice the size), with the cgocall
// gate open below it. After every copy the goroutine's frame-pointer chain
// (g.sched.bp, the BP register, the frame pointers its frames save) must
// lie in the new stack. With copystack's adjustment of g.sched.bp removed
// (tests/overlays/sched_bp_unadjusted.py, shape 7 of the class) the frames
// made after a move save a frame pointer into the stack left, and the chain
// runs into freed memory; the results stay right, so nothing else shows it.
package main

/*
long fpCall(int depth);
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
)

func grow(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	x := grow(n - 1)
	return buf[x&63] + x + 1
}

//export fpCallback
func fpCallback(depth C.int) C.long {
	return C.long(grow(int(depth)))
}

func main() {
	calls := flag.Int("calls", 4, "C calls, each calling back once")
	flag.Parse()
	done := make(chan bool)
	for i := 0; i < *calls; i++ {
		// a fresh goroutine each time: a small stack, so the callback's
		// recursion (about 40 KiB) moves it several times
		go func() { done <- C.fpCall(64) == 64 }()
		if !<-done {
			fmt.Fprintln(os.Stderr, "fpmove: wrong result")
			os.Exit(1)
		}
	}
	fmt.Println("fpmove: ok")
}
