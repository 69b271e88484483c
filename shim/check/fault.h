/* fault: the shim's SIGSEGV handler, in front of the program's, so that an
 * access to a held left stack made inaccessible (quarantine.h) is reported
 * when it is made.
 *
 * Room: check/ (verify.h's rules). The handler is an entry of its own (the
 * kernel calls it, not a trampoline; tests/e2e/hotpath_rules.sh walks from
 * it too): it is the check "is this fault on a held stack", run for every
 * SIGSEGV of the process once the first held stack is protected (a nil
 * dereference Go turns into a panic, SetPanicOnFault, a crash in C). For a
 * fault that is not on a held stack it costs a lock-free scan of the
 * quarantine's guard words and a call of the previous action, as the kernel
 * would have made it: no allocation, no lock, no system call. Only a fault
 * on a held stack goes on to the report path (report/), as a check's
 * violation does.
 *
 * It is installed with the rt_sigaction system call, not libc's sigaction:
 * an ASan or TSan runtime ahead of the shim intercepts that, and would put
 * itself between the kernel and the shim's handler. What the shim saves is
 * the action the kernel held (Go's handler, or a sanitizer's in front of
 * it), and a fault that is not the shim's is handed to it with the same
 * signal number, siginfo and ucontext, on the same stack (the handler runs
 * with the previous action's flags, SA_ONSTACK included, and mask, so Go's
 * handler finds itself on the signal stack it expects and the signals it
 * blocks blocked).
 *
 * Not interposed: sigaction. The Go runtime installs its SIGSEGV handler
 * once, at start (the signal has no _SigNotify: os/signal cannot take it
 * over), before any stack can be held; a library that installs its own
 * later must chain to the one it finds (or Go's panics on nil dereferences
 * stop working without the shim too), and then it chains to the shim's.
 * One that does not chain has taken the signal from Go as well; the shim
 * then sees at the next held stack that its handler is gone
 * (ud_fault_arm) and protects no more (the held stacks are made accessible
 * again and stay poison-checked). Interposing would add a second dynamic
 * symbol in front of the sanitizers' own interceptors, could not see
 * glibc's signal() and sigset() (they reach the kernel without going
 * through sigaction's symbol), and would show the program an action that
 * is not the kernel's.
 *
 * Not handled: SIGBUS. An access to an anonymous page made PROT_NONE is a
 * SIGSEGV (SEGV_ACCERR) on Linux; SIGBUS comes from file pages past their
 * end, huge-page failures and memory errors, none of which a held stack
 * can give, so a SIGBUS handler could only ever pass the signal on. */
#ifndef UNDEAD_FAULT_H
#define UNDEAD_FAULT_H

#include <signal.h>
#include <stdbool.h>

/* Before a held stack is made inaccessible, under the quarantine's lock
 * (one caller at a time): installs the handler the first time; later,
 * whether it is still the one the kernel holds. False: do not protect
 * (the handler could not be installed, or something replaced it). */
bool ud_fault_arm(void);

/* The handler (SA_SIGINFO). */
void ud_fault_handler(int sig, siginfo_t *si, void *ucontext);

#endif
