// longjmp: C code that longjmps while Go callbacks are open. -mode over
// (the bug, Go issue 63829): C sets a jmp_buf, calls back into Go, and the
// Go callback calls C, which jumps back to that jmp_buf, over the
// callback's Go frames; the runtime then throws when the outer C call
// returns. -mode inside (correct): every jump stays inside one C call
// that does not call back into Go: C jumping inside a callback's inner C
// call, C jumping before and after its callback returned, a callback a Go
// panic unwound through C frames (recovered in Go) followed by jumps in
// later C calls, and a jump on a signal (siglongjmp from a SIGUSR1
// handler). The program checks its own results. -fn picks the function
// (longjmp, _longjmp, siglongjmp, __longjmp_chk), -thread c runs it all
// on a thread C made.
package main

/*
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

extern void goCallback(int);
extern void goPanics(void);

// __longjmp_chk is what longjmp becomes with _FORTIFY_SOURCE.
extern void __longjmp_chk(struct __jmp_buf_tag env[1], int val) __attribute__((noreturn));

static int fn;
static void set_fn(int f) { fn = f; }
static sigjmp_buf outer_buf;

static void jump(sigjmp_buf b, int v) {
	switch (fn) {
	case 0: longjmp(b, v);
	case 1: _longjmp(b, v);
	case 2: siglongjmp(b, v);
	default: __longjmp_chk(b, v);
	}
}

// Called by goCallback: jumps to the outer C call's jmp_buf (mode over),
// or inside itself (mode inside).
static int inner(int over) {
	sigjmp_buf here;
	if (over)
		jump(outer_buf, 7);
	volatile int n = 0;
	if (sigsetjmp(here, 0) < 3) {
		n++;
		jump(here, n);
	}
	return n;
}

// Sets a jmp_buf, jumps to it once, calls back into Go, then jumps to it
// again after the callback returned. Returns what it saw. The program
// prints its frame address before the callback that jumps over.
static int outer(int mode) {
	volatile int phase = 0, got = 0;
	int v = sigsetjmp(outer_buf, 0);
	if (v == 7)
		return 1000; // from inner, over the callback (mode over only)
	if (phase == 0) {
		phase = 1;
		jump(outer_buf, 1);
	}
	if (phase == 1) {
		phase = 2;
		// where the jump over the callback lands: inside this frame
		if (mode)
			fprintf(stderr, "longjmp: outer's frame at %p\n", __builtin_frame_address(0));
		goCallback(mode);
		got += 10;
		jump(outer_buf, 2);
	}
	return got + v;
}

static sigjmp_buf sig_buf;
static void on_usr1(int sig) { (void)sig; siglongjmp(sig_buf, 1); }

// A signal whose handler jumps back into this C call.
static int signal_jump(void) {
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, &old);
	volatile int n = 0;
	if (sigsetjmp(sig_buf, 1) == 0) {
		n = 1;
		pthread_kill(pthread_self(), SIGUSR1);
	}
	sigaction(SIGUSR1, &old, 0);
	return n;
}

// A callback that panics; Go recovers above this C frame.
static void call_panics(void) { goPanics(); }

static int thread_result;
static int thread_mode;
extern int goRun(int);
static void *thread_main(void *arg) { (void)arg; thread_result = goRun(thread_mode); return 0; }
static int on_c_thread(int mode) {
	pthread_t t;
	thread_mode = mode;
	pthread_create(&t, 0, thread_main, 0);
	pthread_join(t, 0);
	return thread_result;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
)

var innerGot []int

//export goCallback
func goCallback(mode C.int) {
	innerGot = append(innerGot, int(C.inner(mode)))
}

//export goPanics
func goPanics() { panic("from a callback") }

func recovered() (r any) {
	defer func() { r = recover() }()
	C.call_panics()
	return nil
}

// run does the calls of mode (1 over, 0 inside) and checks what it can;
// 0 when all is as it must be.
//
//export goRun
func goRun(mode C.int) C.int {
	if mode == 1 {
		if got := C.outer(1); got != 1000 {
			fmt.Printf("longjmp: outer returned %d after the jump over the callback\n", got)
			return 1
		}
		return 0
	}
	bad := 0
	for i := 0; i < 3; i++ {
		if got := C.outer(0); got != 12 {
			fmt.Printf("longjmp: outer returned %d, want 12\n", got)
			bad++
		}
		if r := recovered(); r == nil {
			fmt.Println("longjmp: the callback's panic was not recovered")
			bad++
		}
		if got := C.signal_jump(); got != 1 {
			fmt.Printf("longjmp: signal_jump returned %d, want 1\n", got)
			bad++
		}
	}
	for i, n := range innerGot {
		if n != 3 {
			fmt.Printf("longjmp: inner call %d returned %d, want 3\n", i, n)
			bad++
		}
	}
	if len(innerGot) != 3 {
		fmt.Printf("longjmp: %d callbacks, want 3\n", len(innerGot))
		bad++
	}
	return C.int(bad)
}

func main() {
	mode := flag.String("mode", "inside", "over: jump over a callback; inside: jumps that stay in one C call")
	fn := flag.String("fn", "longjmp", "longjmp, _longjmp, siglongjmp or __longjmp_chk")
	thread := flag.String("thread", "go", "go: on the main goroutine; c: on a thread C made")
	flag.Parse()
	fns := map[string]C.int{"longjmp": 0, "_longjmp": 1, "siglongjmp": 2, "__longjmp_chk": 3}
	f, ok := fns[*fn]
	if !ok || (*mode != "over" && *mode != "inside") || (*thread != "go" && *thread != "c") {
		fmt.Fprintln(os.Stderr, "longjmp: bad flag")
		os.Exit(2)
	}
	C.set_fn(f)
	m := C.int(0)
	if *mode == "over" {
		m = 1
	}
	var bad C.int
	if *thread == "c" {
		bad = C.on_c_thread(m)
	} else {
		bad = goRun(m)
	}
	if bad != 0 {
		os.Exit(1)
	}
	fmt.Printf("longjmp: mode %s with %s on a %s thread: all as expected\n", *mode, *fn, *thread)
}
