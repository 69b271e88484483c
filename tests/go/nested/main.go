// nested: Go -> C -> Go -> C -> Go, with the stack growing at the innermost
// level and garbage collections while the goroutine is back in C at each
// level. Exits 0 when every round completes.
package main

/*
#include <stdint.h>
void nestOuter(uint32_t *sync);
void nestInner(uint32_t *sync);
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"sync/atomic"
)

var nestSync uint32

//export goOuter
func goOuter() {
	C.nestInner((*C.uint32_t)(&nestSync))
}

//export goInner
func goInner() {
	growStack(64)
}

func growStack(n int) int {
	var buf [128]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func waitfor(v uint32) {
	for atomic.LoadUint32(&nestSync) != v {
		runtime.Gosched()
	}
}

func main() {
	rounds := flag.Int("rounds", 3, "how many times to run the sequence")
	gcs := flag.Int("gcs", 4, "garbage collections at each stage")
	flag.Parse()
	for r := 0; r < *rounds; r++ {
		atomic.StoreUint32(&nestSync, 0)
		done := make(chan struct{})
		go func() {
			C.nestOuter((*C.uint32_t)(&nestSync))
			close(done)
		}()
		waitfor(1) // back in the inner C function
		for i := 0; i < *gcs; i++ {
			runtime.GC()
		}
		atomic.StoreUint32(&nestSync, 2)
		waitfor(3) // back in the outer C function
		for i := 0; i < *gcs; i++ {
			runtime.GC()
		}
		atomic.StoreUint32(&nestSync, 4)
		<-done
	}
	fmt.Println("nested: ok")
}
