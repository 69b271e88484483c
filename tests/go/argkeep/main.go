// argkeep: shape A of the class (Go issues 10303, 11089). A C function
// gets the address of a Go variable as an argument, calls back into Go,
// whose callback grows the stack, and then writes through the address: the
// variable has moved with the stack, and the write goes to the stack left.
// -arg uintptr passes it as C.uintptr_t(uintptr(unsafe.Pointer(&x))),
// which keeps x on the stack; -arg heap as a plain pointer, which makes x
// escape to the heap (the correct program; #cgo noescape keeps a pointer
// on the stack only together with #cgo nocallback, which forbids the
// callback). C prints the address it got. Prints
// what it saw, and exits 1 when a write was lost. Each round runs on a
// fresh goroutine, whose stack the callback grows.
package main

/*
#include <stdint.h>
#include <stdio.h>
extern void argkeepGrow(int);
static void write_after(uintptr_t p, int n) {
	fprintf(stderr, "argkeep: C got %#lx\n", (unsigned long)p);
	argkeepGrow(n);
	*(int64_t *)p = 0x7777;
}
static void write_after_ptr(int64_t *p, int n) {
	argkeepGrow(n);
	*p = 0x7777;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"unsafe"
)

//export argkeepGrow
func argkeepGrow(n C.int) { growStack(int(n)) }

func growStack(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

// round: x lives in this frame (or on the heap, for -arg heap); C writes
// through its address after a callback that moves the stack.
func round(arg string) bool {
	switch arg {
	case "uintptr":
		var x int64
		C.write_after(C.uintptr_t(uintptr(unsafe.Pointer(&x))), 12)
		return x == 0x7777
	default:
		var x C.int64_t
		C.write_after_ptr(&x, 12)
		return x == 0x7777
	}
}

func main() {
	arg := flag.String("arg", "heap", "uintptr or heap")
	rounds := flag.Int("rounds", 3, "calls")
	flag.Parse()
	if *arg != "uintptr" && *arg != "heap" {
		fmt.Fprintln(os.Stderr, "argkeep: bad -arg")
		os.Exit(2)
	}
	lost := 0
	for i := 0; i < *rounds; i++ {
		// a fresh goroutine: a small stack, which the callback grows
		done := make(chan bool)
		go func() { done <- round(*arg) }()
		if !<-done {
			lost++
		}
	}
	fmt.Printf("argkeep: -arg %s: %d of %d writes lost\n", *arg, lost, *rounds)
	if lost != 0 {
		os.Exit(1)
	}
}
