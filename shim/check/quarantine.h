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
 * Rules: the check room's (verify.h). Runs on the system stack inside
 * copystack; no allocation (the records are static), one spin lock of its
 * own for the ring (taken only at moves with a gate open, and at exit). */
#ifndef UNDEAD_QUARANTINE_H
#define UNDEAD_QUARANTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "gate_table.h"
#include "rt.h"

enum {
  UD_QUARANTINE_STACKS = 64,            /* held at most */
  UD_QUARANTINE_BYTES = 16 << 20,       /* and at most this many bytes */
  UD_QUARANTINE_FRAMES = 16,            /* frames of the left stack remembered */
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

/* From ud_tramp_stackfree: copystack frees [lo, hi). Returns the range the
 * runtime is to free instead ({0, 0}: nothing, the stack is held). */
typedef struct ud_stack_range {
  uint64_t lo, hi;
} ud_stack_range;
ud_stack_range ud_quarantine_take(ud_rt *rt, uint64_t lo, uint64_t hi);

/* Checks every held stack (at exit): a report for the first one written. */
void ud_quarantine_check_all(void);

#endif
