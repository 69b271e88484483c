// shrink: a stack relocation by the garbage collector rather than by
// growth. The goroutine first grows its stack (outside any C call), then
// calls C; C calls back into Go, and the callback waits on a channel with
// little of its large stack in use, while main collects garbage: the
// collector shrinks the parked goroutine's stack (runtime.shrinkstack ->
// copystack) with the cgocall gate open below the callback.
package main

/*
void shrinkCall(void);
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
)

var (
	parked  = make(chan struct{})
	release = make(chan struct{})
)

//export shrinkCallback
func shrinkCallback() {
	parked <- struct{}{}
	<-release
}

func grow(n int) int {
	var buf [256]int
	if n == 0 {
		return 0
	}
	return buf[grow(n-1)&255] + 1
}

func main() {
	gcs := flag.Int("gcs", 6, "garbage collections while the callback waits")
	flag.Parse()
	done := make(chan struct{})
	go func() {
		grow(64) // about 128 KiB of stack, then unwound
		C.shrinkCall()
		close(done)
	}()
	<-parked
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	close(release)
	<-done
	fmt.Println("shrink: ok")
}
