/* entry: the C functions the trampolines (trampoline.S) call, declared
 * once. Each runs on a stack that is not a goroutine's (the rule of
 * trampoline.S): the thread's system stack for the checks, the thread's g0
 * stack for ud_on_exit too. None may allocate, take a mutex or block
 * (check/ and report/ state the rest of their rules). */
#ifndef UNDEAD_ENTRY_H
#define UNDEAD_ENTRY_H

#include <stdint.h>

#include "rt.h"

typedef struct ud_stack_range {
  uint64_t lo, hi;
} ud_stack_range;

/* A CALL runtime.copystack (newstack, shrinkstack), before the copy: gp's
 * stack is still intact. ret: the return address into the caller. */
void ud_on_copystack(ud_rt *rt, uintptr_t gp, uintptr_t newsize, uintptr_t ret);

/* The CALL runtime.exitsyscall in cgocallbackg, off the fast path: the C
 * stack callback g came from is outside the M's g0 stack bounds. ret: the
 * return address into cgocallbackg, sp: cgocallbackg's SP. */
void ud_on_callback_enter(ud_rt *rt, uintptr_t g, uint64_t ret, uint64_t sp);

/* The CALL runtime.reentersyscall in cgocallbackg, off the fast path: a
 * callback is returning to C with this saved pc, sp and bp. */
void ud_on_callback_return(ud_rt *rt, uintptr_t g, uint64_t pc, uint64_t sp, uint64_t bp,
                           uint64_t rbp);

/* The CALL runtime.stackfree in copystack (quarantine=1): the stack
 * [lo, hi) it left, armed by ud_on_copystack. Returns the range the
 * runtime is to free instead ({0, 0}: nothing, the stack is held, or it
 * was the shim's own and went back to it; check/quarantine.h). */
ud_stack_range ud_quarantine_take(ud_rt *rt, uint64_t lo, uint64_t hi);

/* Every CALL runtime.stackalloc and stackfree (own_small_stacks=1): a
 * 2 KiB stack from the shim's pages (its lo, 0: none left), and one given
 * back (check/ownstack.h). */
uint64_t ud_ownstack_alloc(void);
void ud_ownstack_free(uint64_t lo);

/* runtime.exit: the process is ending with status. Returns the status for
 * exit_group (ud_end_process: after the last checks and the counts, and
 * after any report in progress). */
int ud_on_exit(ud_rt *rt, int status);

#endif
