/* Room check/: the checks. Rules (tests/e2e/report_path_libc.sh holds the
 * checkable part, tests/e2e/hotpath_rules.sh the rest, from each entry):
 *   - entered from the trampolines (hook/entry.h), and from the kernel:
 *     the SIGSEGV handler the quarantine puts in front of the program's
 *     (fault.h) is a check too, "is this fault on a held stack", run for
 *     every fault of the process on the signal stack; only a fault on a
 *     held stack goes on to report/, as a violation found here does;
 *   - runs on the thread's system stack (g0), inside the program's own
 *     stack copy or callback return (or on its signal stack, at a fault),
 *     on any thread, any number at once;
 *   - never allocates, never takes a pthread mutex, never blocks, never
 *     calls stdio: everything it needs was reserved at start-up;
 *   - reads goroutine state with plain loads (hook/rt.h) and never writes
 *     the program's memory (but the stacks the quarantine holds, which it
 *     poisons and makes inaccessible until it gives them back);
 *   - may take the shim's spin locks (base/spinlock.h) for the history and
 *     the quarantine, and call report/ (which may then stop the program);
 *     the fault handler takes none for a fault that is not the
 *     quarantine's. */
/* verify: the checks.
 *
 * The invariant: while a goroutine is inside a callback, each gate frame
 * below the callback (a cgocall parked at Y, in C) will be traced by the GC
 * at X once the callback returns to C; every slot live at X must then point
 * where it may. So:
 *
 * At every stack copy of a goroutine with a gate open (ud_on_copystack,
 * before the copy: the old stack is intact), every slot of each gate frame
 * that is live at X but not at Y (the GC will trace it, the copier will
 * not adjust it) must not point into the stack being left.
 *
 * When a callback returns to C (ud_on_callback_return, just before
 * reentersyscall restores X for the GC), the syscall state it restores
 * (sp, and bp from Go 1.23) must lie in the goroutine's current stack, and,
 * if the stack moved during its callbacks, no slot live at X in any open
 * gate frame may point into a stack it left (history.h) - the check that
 * also catches moves the first check did not see (check_relocations=0) -
 * and the SP asmcgocall will restore when C returns (computed by its own
 * rule, sites.h) must be the innermost gate's, on the current stack.
 *
 * A goroutine has a gate open exactly when its M has a cgo call in
 * progress (m.ncgo > 0) while the goroutine runs Go code: one gate frame
 * per call, each found on the stack by its return address Y with, just
 * below it, the pc cgocallback pushed (gate_table.h's park pc). A frame
 * that looks stale is confirmed by walking the goroutine's frames before
 * it is reported (a stale copy of Y in a dead slot is no gate). */
#ifndef UNDEAD_VERIFY_H
#define UNDEAD_VERIFY_H

#include <stdint.h>

#include "entry.h"

/* The checks' entry points are the trampolines' targets (entry.h). */

#endif
