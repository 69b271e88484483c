// syscallshrink: the garbage collector meets a goroutine in a long C call
// (no callback) whose stack grew large and is now mostly unused: exactly
// the stack the collector would like to shrink. The stock runtime never
// moves it (isShrinkStackSafe refuses a goroutine with g.syscallsp set);
// with that guard removed (tests/overlays/shrink_in_syscall.py, shape 6 of
// the class) the collector shrinks it under the C call.
package main

/*
void waitCall(void);
int waitInside(void);
void waitRelease(void);
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func grow(n int) int {
	var buf [256]int
	if n == 0 {
		return 0
	}
	x := grow(n - 1)
	return buf[x&255] + x + 1
}

func main() {
	gcs := flag.Int("gcs", 4, "garbage collections while the goroutine is in C")
	flag.Parse()
	done := make(chan int)
	go func() {
		r := grow(64) // about 128 KiB of stack, then unwound
		C.waitCall()
		done <- r
	}()
	deadline := time.Now().Add(10 * time.Second)
	for C.waitInside() == 0 {
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "syscallshrink: the goroutine never entered C")
			os.Exit(1)
		}
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	C.waitRelease()
	if r := <-done; r != 64 {
		fmt.Fprintf(os.Stderr, "syscallshrink: grow returned %d, want 64\n", r)
		os.Exit(1)
	}
	fmt.Println("syscallshrink: ok")
}
