/* quarantine: stacks left while a cgo call is open, kept from reuse and
 * poisoned, so that a write into one is seen.
 *
 * When a goroutine whose M has a cgo call in progress moves its stack, the
 * stack it leaves is what a C frame, a gate resumed at a stale SP or a
 * stale saved pointer can still reach (Go issue 8771: cmd/cgo's C wrapper
 * stored a result through a pointer into the left stack). The runtime frees
 * it with stackfree at the end of copystack, and the next goroutine's frames
 * hide any such write. Here, copystack's call of stackfree is diverted
 * (ud_tramp_stackfree): the left stack is filled with a poison pattern and
 * held; the oldest held stack is handed back to stackfree in its place when
 * the quarantine is full (so the runtime frees exactly as many stacks as it
 * did, later), and every held stack is checked at exit. A poison word
 * changed is a report: the address, what was written, the frame that held
 * that address at the move, the move.
 *
 * A held stack that owns its pages (lo and hi page-aligned: every stack of
 * 4 KiB and more; a 2 KiB stack shares a page with others, unless the
 * shim served it on a page of its own, ownstack.h) is also made
 * inaccessible (PROT_NONE) while it is held, and accessible again before it
 * goes back to stackfree: an access to it faults, and the shim's SIGSEGV
 * handler (fault.h) reports it when it is made, a read as well as a write,
 * naming the code that made it (left-stack-access). Protected stacks are
 * still poison-checked when they are let go: a write the protection cannot
 * stop (through /proc/self/mem or process_vm_writev, or while the stack was
 * accessible because the handler was replaced) is still seen. An mprotect
 * that fails leaves the stack accessible, poisoned and held, never a
 * crash; a held stack that cannot be made accessible again is kept (the
 * stack that would have replaced it is freed at once).
 *
 * Each ring slot has a guard word (lo | pages, 0: none), set before its
 * stack is made inaccessible and cleared after it is accessible again, so
 * a fault on a held stack always finds its guard: the handler reads the
 * guard words without a lock, and takes the lock only for a fault that is
 * the quarantine's. Nothing done under the lock touches a held stack's
 * memory, so a fault on one never happens on a thread holding it.
 *
 * Rules: the check room's (verify.h). Runs on the system stack inside
 * copystack; no allocation (the records are static), one spin lock of its
 * own for the ring (taken only at moves with a gate open, at exit, and at a
 * fault on a held stack); the mprotect system calls are made under it. */
#ifndef UNDEAD_QUARANTINE_H
#define UNDEAD_QUARANTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "entry.h"
#include "gate_table.h"
#include "rt.h"
#include "vocab.h"

enum {
  UD_QUARANTINE_STACKS = 64,            /* held at most */
  UD_QUARANTINE_BYTES = 16 << 20,       /* and at most this many bytes */
  UD_QUARANTINE_FRAMES = 16,            /* frames of the left stack remembered */
  UD_QUARANTINE_PAGE = 4096,            /* linux/amd64's page: the unit of protection */
};

/* The poison word a held stack is filled with (not a plausible pointer,
 * not a small integer). */
#define UD_QUARANTINE_POISON 0xdb0ddeadf00dfaceull

/* A stackfree(lo, hi) from copystack with this lo is the one armed by the
 * move in progress on this thread (read by the trampoline). */
extern __thread uint64_t ud_quarantine_armed_lo __attribute__((tls_model("initial-exec")));

/* At a move of goroutine gv with a gate open (ud_on_copystack, before the
 * copy): the stack [lo, hi) it is leaving will be held, not freed. gate:
 * the innermost gate frame open (may be NULL), for the report. */
void ud_quarantine_arm(const ud_rt *rt, const ud_gview *gv, uint64_t newsize, bool growth,
                       const ud_gate_entry *gate);

/* Checks every held stack (at exit): a report for the first one written. */
void ud_quarantine_check_all(void);

/* From the fault handler, without a lock: whether addr is in a held stack
 * made inaccessible (a guard word covers it). */
bool ud_quarantine_guards(uint64_t addr);

/* From the fault handler: the access op at addr, by the instruction at pc
 * (stack pointer sp) of the thread whose signal context is ucontext,
 * faulted on a held stack. Reports it (left-stack-access), and returns when
 * the access is to be made again: the program goes on after the report
 * (halt_on_error=0: that stack is made accessible and checked no more), or
 * the stack was let go before the lock was taken. */
void ud_quarantine_fault(uint64_t addr, enum ud_access op, uint64_t pc, uint64_t sp,
                         void *ucontext);

#endif
