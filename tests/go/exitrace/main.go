// exitrace: the process ends while the shim may be busy. Four goroutines
// make C -> Go callbacks that grow their stacks (a report on a runtime with
// the seed bug, caught at the stack copy inside the callback) while main
// calls os.Exit(0) as soon as the first callback has begun (-exiters 1), or
// several goroutines call os.Exit(0) at once (-exiters N) once every
// worker has made a callback.
package main

/*
void raceCall(int id);
*/
import "C"

import (
	"flag"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

var entered, callbacks int32

//export raceCallback
func raceCallback(id C.int) {
	atomic.StoreInt32(&entered, 1)
	growStack(64 + int(id))
	atomic.AddInt32(&callbacks, 1)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func main() {
	exiters := flag.Int("exiters", 1, "goroutines calling os.Exit(0) at once")
	delay := flag.Duration("delay", 0, "wait after the first callback began before exiting")
	flag.Parse()
	if runtime.GOMAXPROCS(0) < 4 {
		runtime.GOMAXPROCS(4)
	}
	const workers = 4
	for w := 0; w < workers; w++ {
		go func(id int) {
			for {
				C.raceCall(C.int(id))
			}
		}(w)
	}
	if *exiters <= 1 {
		for atomic.LoadInt32(&entered) == 0 {
		}
		time.Sleep(*delay)
		os.Exit(0)
	}
	for atomic.LoadInt32(&callbacks) < workers {
		runtime.Gosched()
	}
	// The exiters spin until all are running, then exit together.
	runtime.GOMAXPROCS(workers + *exiters)
	var ready, start int32
	for i := 0; i < *exiters; i++ {
		go func() {
			atomic.AddInt32(&ready, 1)
			for atomic.LoadInt32(&start) == 0 {
			}
			os.Exit(0)
		}()
	}
	for atomic.LoadInt32(&ready) < int32(*exiters) {
		runtime.Gosched()
	}
	atomic.StoreInt32(&start, 1)
	select {}
}
