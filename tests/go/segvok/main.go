// segvok: Go's own uses of SIGSEGV keep working while stacks move inside
// callbacks. Each round a fresh goroutine calls down some frames, calls C,
// C calls back, and the callback grows the stack (so, under undead with
// quarantine=1, a stack of 4 KiB or more is left with a cgo call open and
// held inaccessible); around that, nil dereferences in Go are recovered as
// panics (in the callback, on the moved stack, and after it), and so are
// faults on a PROT_NONE page of the program's own with
// debug.SetPanicOnFault. Its output is the same every run: it prints
// counts and the errors' words, never an address.
//
// After the rounds, -then says what happens to a SIGSEGV the program gets
// from C: crash (a fault in C code: Go's crash report, exit 2), dfl or ign
// (the program set SIGSEGV's action to SIG_DFL or SIG_IGN before the
// rounds: a sent SIGSEGV is then ignored or kills, a fault kills), or
// nothing.
package main

/*
int segvok_call(int n);
void segvok_set_action(int ign);
void segvok_raise(void);
int segvok_crash(void);
*/
import "C"

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

var nilPtr *int

var prot []byte // a page the program made PROT_NONE itself

// nilDeref dereferences a nil pointer and recovers; the panic's words.
func nilDeref() (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	return fmt.Sprint(*nilPtr)
}

// protFault reads the program's own PROT_NONE page with SetPanicOnFault and
// recovers; the panic's words and the faulting address's offset in the page.
func protFault() (msg string, off uintptr) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		var ae interface{ Addr() uintptr }
		if err, ok := r.(error); ok && errors.As(err, &ae) {
			off = ae.Addr() - uintptr(unsafe.Pointer(&prot[0]))
		}
		msg = fmt.Sprint(r)
	}()
	return fmt.Sprint(prot[0x18]), 0
}

var checkNil, checkFault bool

type tally struct {
	nils, faults int
	nilMsg       string
	faultMsg     string
	faultOff     uintptr
}

var t tally

func faults() {
	if checkNil {
		t.nilMsg = nilDeref()
		t.nils++
	}
	if checkFault {
		m, off := protFault()
		t.faultMsg, t.faultOff = m, off
		t.faults++
	}
}

//export segvokGrow
func segvokGrow(n C.int) C.int {
	r := growStack(int(n))
	faults() // on the moved stack, with the cgo call open
	return C.int(r) + n
}

func growStack(n int) int {
	var buf [64]int
	if n == 0 {
		return 0
	}
	return buf[growStack(n-1)]
}

func deepCall(depth, n int) int {
	var pad [32]int
	if depth == 0 {
		r := int(C.segvok_call(C.int(n)))
		faults() // after the callback, back on the goroutine's stack
		return r
	}
	pad[depth%32] = depth
	r := deepCall(depth-1, n)
	if pad[depth%32] != depth {
		panic("segvok: a frame changed under its goroutine")
	}
	return r
}

func init() { runtime.LockOSThread() } // the end below runs on the main thread

func main() {
	rounds := flag.Int("rounds", 100, "rounds, each on a fresh goroutine")
	deep := flag.Int("deep", 10, "frames called down before the cgo call")
	then := flag.String("then", "", "crash, dfl, ign or nothing")
	flag.Parse()
	switch *then {
	case "dfl", "ign":
		C.segvok_set_action(map[bool]C.int{false: 0, true: 1}[*then == "ign"])
	default:
		checkNil, checkFault = true, true
	}
	var err error
	prot, err = syscall.Mmap(-1, 0, 4096, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fmt.Fprintln(os.Stderr, "segvok: mmap:", err)
		os.Exit(2)
	}
	wrong := 0
	for i := 0; i < *rounds; i++ {
		done := make(chan int)
		n := 8 + i%8
		go func() { done <- deepCall(*deep, n) }()
		if <-done != n {
			wrong++
		}
	}
	fmt.Printf("segvok: %d rounds, %d wrong\n", *rounds, wrong)
	fmt.Printf("segvok: %d nil dereferences recovered: %s\n", t.nils, t.nilMsg)
	fmt.Printf("segvok: %d faults recovered at page+%#x: %s\n", t.faults, t.faultOff, t.faultMsg)
	switch *then {
	case "crash":
		fmt.Println("segvok: a fault in C")
		C.segvok_crash()
	case "ign":
		C.segvok_raise()
		fmt.Println("segvok: the SIGSEGV sent was ignored; a fault in C")
		C.segvok_crash()
	case "dfl":
		fmt.Println("segvok: a fault in C")
		C.segvok_crash()
	}
	if wrong > 0 {
		os.Exit(1)
	}
}
