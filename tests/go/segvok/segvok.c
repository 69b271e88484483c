#include <signal.h>
#include <stddef.h>

#include "_cgo_export.h"

/* Calls back into Go (whose callback grows the goroutine's stack: it moves
 * with this cgo call open) and returns what the callback returned. */
int segvok_call(int n) { return segvokGrow(n); }

/* The program's own SIGSEGV action, replacing Go's: 0 SIG_DFL, 1 SIG_IGN. */
void segvok_set_action(int ign) { signal(SIGSEGV, ign ? SIG_IGN : SIG_DFL); }

/* A SIGSEGV sent to this thread, not a fault. */
void segvok_raise(void) { raise(SIGSEGV); }

/* A fault in C code. */
int segvok_crash(void) { return *(volatile int *)NULL; }
