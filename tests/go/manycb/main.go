// manycb: eight goroutines doing C -> Go callbacks that grow their stacks at
// the same time, while another goroutine forces garbage collections, with
// GOMAXPROCS > 1. Exits 0 when every goroutine completes.
package main

/*
void manyCall(int id, int stayMicros);
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

var callbacks int64

//export manyCallback
func manyCallback(id C.int) {
	growStack(48 + int(id))
	atomic.AddInt64(&callbacks, 1)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func main() {
	workers := flag.Int("workers", 8, "goroutines doing callbacks")
	calls := flag.Int("calls", 20, "callbacks per goroutine")
	stay := flag.Int("stay", 500, "microseconds each call stays in C after its callback")
	flag.Parse()
	if runtime.GOMAXPROCS(0) < 4 {
		runtime.GOMAXPROCS(4)
	}
	var stop int32
	gcDone := make(chan struct{})
	go func() {
		for atomic.LoadInt32(&stop) == 0 {
			runtime.GC()
		}
		close(gcDone)
	}()
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for i := 0; i < *calls; i++ {
				C.manyCall(C.int(id), C.int(*stay))
			}
		}(w)
	}
	wg.Wait()
	atomic.StoreInt32(&stop, 1)
	<-gcDone
	want := int64(*workers * *calls)
	if n := atomic.LoadInt64(&callbacks); n != want {
		panic(fmt.Sprintf("manycb: %d callbacks, want %d", n, want))
	}
	fmt.Println("manycb: ok")
}
