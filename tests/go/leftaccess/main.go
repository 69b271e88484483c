// leftaccess: C keeps an address in its caller's Go stack (passed as an
// integer, so the variable stays on the stack), calls back into Go, whose
// callback grows the stack, and then reads (-op read) or writes (-op write)
// through the address it kept: into the stack the goroutine left. The Go
// variable, now on the new stack, never sees the write, and a read gets
// the left stack's bytes. The goroutine calls down -deep frames first, so
// that the stack left is one of 4 KiB or more (a stack that owns its
// pages). Each round runs on a fresh goroutine. Prints what it saw, and
// exits 1 when a write was lost or a read gave what the variable does not
// hold.
package main

/*
#include <stdint.h>
void leftaccess_keep(uintptr_t p);
int64_t leftaccess_read_after(int n);
void leftaccess_write_after(int n, int64_t v);
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"unsafe"
)

//export leftaccessGrow
func leftaccessGrow(n C.int) {
	growStack(int(n))
}

func growStack(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

// round: x lives in this frame, on the goroutine's stack; C keeps its
// address across a callback that moves the stack. Reports whether C saw
// (read) or set (write) what x holds.
func round(op string, i int) bool {
	var x [4]int64
	x[1] = 0x5eed0000 + int64(i)
	C.leftaccess_keep(C.uintptr_t(uintptr(unsafe.Pointer(&x[1]))))
	switch op {
	case "read":
		got := int64(C.leftaccess_read_after(12))
		return got == x[1]
	default:
		C.leftaccess_write_after(12, C.int64_t(0x7777))
		return x[1] == 0x7777
	}
}

func deepRound(depth int, op string, i int) bool {
	var pad [32]int
	if depth == 0 {
		return round(op, i)
	}
	pad[depth%32] = depth
	r := deepRound(depth-1, op, i)
	if pad[depth%32] != depth {
		panic("leftaccess: a frame changed under its goroutine")
	}
	return r
}

func main() {
	op := flag.String("op", "read", "read or write through the kept address")
	rounds := flag.Int("rounds", 20, "rounds, each on a fresh goroutine")
	deep := flag.Int("deep", 10, "frames called down before the cgo calls")
	flag.Parse()
	if *op != "read" && *op != "write" {
		fmt.Fprintln(os.Stderr, "leftaccess: -op read or write")
		os.Exit(2)
	}
	wrong := 0
	for i := 0; i < *rounds; i++ {
		done := make(chan bool)
		go func() { done <- deepRound(*deep, *op, i) }()
		if !<-done {
			wrong++
		}
	}
	if wrong > 0 {
		fmt.Fprintf(os.Stderr, "leftaccess: %s: %d of %d rounds saw the left stack\n", *op, wrong, *rounds)
		os.Exit(1)
	}
	fmt.Printf("leftaccess: %s: all %d rounds right\n", *op, *rounds)
}
