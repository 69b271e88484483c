/* longjmp_next: start-up for check/longjmp.h: the next definitions of the
 * functions the shim interposes, and whether a jmp_buf can be read here.
 * Room start/: runs in the constructor (may use the loader, dlsym). */
#ifndef UNDEAD_LONGJMP_NEXT_H
#define UNDEAD_LONGJMP_NEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "longjmp.h"

/* Fills ud_jump_next: in the constructor of every process the shim is
 * loaded into (Go or not, UNDEAD=0 too: the interposers are there), so
 * that no jump made later (from a signal handler, say) calls the loader. */
void ud_longjmp_resolve_all(void);

/* Arms the check when wanted (check_longjmp=1) and this libc's jmp_buf
 * reads as check/longjmp.h expects. False, with why, when it does not:
 * every jump then passes unchecked. */
bool ud_longjmp_start(bool wanted, char *why, size_t cap);

/* The next definition of one, looked up now: for a jump made before the
 * shim's constructor ran (by another library's initialiser). */
ud_jump_fn ud_jump_resolve(enum ud_jump which);

#endif
