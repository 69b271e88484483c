// hygiene: what the shim leaves in the program it runs in. Prints the
// descriptor its first os.Open gets (3 in a program that holds no other
// file open: the shim must not keep one), and, built with -asan, asks
// LeakSanitizer for a leak check before it exits (Go leaves through
// exit_group, where LeakSanitizer's own check never runs): the shim must not
// leave memory of the program's malloc behind (libelf, libdw). -leak
// leaks 12345 bytes on purpose, to show that the check can fail.
package main

/*
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
// The stack below is wiped first: a dead slot there may still hold a
// pointer, which the check would take for a live one.
static int leak_check(void) {
	volatile char wipe[16384];
	memset((char *)wipe, 0, sizeof wipe);
	return __lsan_do_recoverable_leak_check();
}
#else
static int leak_check(void) { return -1; }
#endif
// Leaked on a thread that then ends: no stack of a live thread can still
// hold the pointer.
static void *leak_thread(void *arg) { char *volatile p = malloc(12345); p[0] = 1; return arg; }
static void leak(void) {
	pthread_t t;
	if (pthread_create(&t, 0, leak_thread, 0) == 0)
		pthread_join(t, 0);
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	doLeak := flag.Bool("leak", false, "leak on purpose")
	flag.Parse()
	f, err := os.Open("/dev/null")
	if err != nil {
		panic(err)
	}
	fmt.Println("first fd:", f.Fd())
	if *doLeak {
		C.leak()
	}
	// LeakSanitizer writes its findings to stderr ("... byte(s) leaked").
	if C.leak_check() < 0 {
		fmt.Println("leak check: not an -asan build")
	} else {
		fmt.Println("leak check: done")
	}
}
