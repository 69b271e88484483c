// stackswitch: a thread C made calls back into Go three times: from its
// own stack, then from a coroutine stack of its own (swapcontext, in the
// program's data), then from its own stack again. With -nested, the first
// callback calls C, which calls back from a second coroutine stack (an
// inner callback below the outer one, Go 1.23 and later). The runtime must
// keep the bounds of the thread's system stack (m.g0.stack) true to the
// stack each callback comes from and returns to; each callback checks its
// own results and the program says how many returned.
package main

/*
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

extern void goCallback(int);
extern void goInner(void);

static ucontext_t back, co, back2, co2;
static char costack[512 << 10] __attribute__((aligned(64)));
static char costack2[512 << 10] __attribute__((aligned(64)));

// Runs fn on stack [sp, sp+size) (context ctx), back here (context back)
// when it returns.
static void run_on(ucontext_t *ctx, ucontext_t *back, char *sp, size_t size, void (*fn)(void)) {
	getcontext(ctx);
	ctx->uc_stack.ss_sp = sp;
	ctx->uc_stack.ss_size = size;
	ctx->uc_link = back;
	makecontext(ctx, fn, 0);
	swapcontext(back, ctx);
}

static void inner_on_costack(void) { goInner(); }

// From Go, on the thread C made: an inner callback from another stack.
static void nested(void) { run_on(&co2, &back2, costack2, sizeof costack2, inner_on_costack); }
static int rounds;

static void on_costack(void) {
	for (int i = 0; i < rounds; i++)
		goCallback(2);
}

static void *thread_main(void *arg) {
	(void)arg;
	pthread_attr_t a;
	void *lo = 0;
	size_t size = 0;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &lo, &size);
		pthread_attr_destroy(&a);
	}
	// Printed before any callback (the one from the coroutine may end the
	// program): the stacks the callbacks come from.
	fprintf(stderr, "stackswitch: thread stack [%p, %p), coroutine stack [%p, %p), inner [%p, %p)\n",
	        lo, (void *)((char *)lo + size), (void *)costack, (void *)(costack + sizeof costack),
	        (void *)costack2, (void *)(costack2 + sizeof costack2));
	goCallback(1);
	run_on(&co, &back, costack, sizeof costack, on_costack);
	goCallback(3);
	return 0;
}

static void run_thread(int n) {
	pthread_t t;
	rounds = n;
	pthread_create(&t, 0, thread_main, 0);
	pthread_join(t, 0);
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

var calls [4]int
var inner, wrong int
var nestedMode bool

// depth(n) is n+1, through n frames of 64 bytes each.
func depth(n int) int {
	var buf [64]byte
	buf[n%64] = 1
	if n == 0 {
		return int(buf[0])
	}
	return depth(n-1) + int(buf[n%64])
}

//export goCallback
func goCallback(which C.int) {
	calls[which]++
	if depth(200) != 201 {
		wrong++
	}
	if nestedMode && which == 1 {
		C.nested()
		if depth(300) != 301 {
			wrong++
		}
	}
	runtime.Gosched()
}

//export goInner
func goInner() {
	inner++
	if depth(100) != 101 {
		wrong++
	}
}

func main() {
	rounds := flag.Int("rounds", 3, "callbacks from the coroutine stack")
	flag.BoolVar(&nestedMode, "nested", false, "the first callback calls C, which calls back from another stack")
	flag.Parse()
	C.run_thread(C.int(*rounds))
	wantInner := 0
	if nestedMode {
		wantInner = 1
	}
	if calls[1] != 1 || calls[2] != *rounds || calls[3] != 1 || inner != wantInner || wrong != 0 {
		fmt.Printf("stackswitch: callbacks %v, %d wrong\n", calls[1:], wrong)
		os.Exit(1)
	}
	fmt.Printf("stackswitch: %d callbacks returned, from %d stacks of one C thread\n", 2+*rounds+wantInner, 2+wantInner)
}
