/* report_emit: turning a violation into an undead report (the model in
 * report/report.h), rendering it in the chosen format with write(2) to
 * stderr or log_path.PID, then stopping the program as the options say.
 * One report at a time (a lock of its own guards the one static report). */
#ifndef UNDEAD_REPORT_EMIT_H
#define UNDEAD_REPORT_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "gate_table.h"
#include "options.h"
#include "rt.h"

/* What a check found, by value: nothing here points into the shim's
 * mutable state (gate is read-only after start-up). */
typedef struct ud_violation {
  const char *kind;      /* "undead-pointer" | "stale-syscall-sp" | "stale-syscall-bp" */
  const char *trigger;   /* "stack-growth" | "stack-shrink" | "callback-return" */
  const ud_gate_info *gate;
  int32_t gate_depth;    /* 1 = the goroutine's outermost open gate */
  uint64_t frame_sp;     /* the gate frame's SP in the stack walked */
  int64_t goid;
  size_t slot;           /* index in the gate's slots; SIZE_MAX: a g field */
  const char *g_field;   /* "syscallsp" / "syscallbp" when slot == SIZE_MAX */
  uint64_t value;
  const char *points_to; /* "old-stack" | "earlier-stack" | "outside-stack" */
  uint64_t stale_lo, stale_hi; /* the range the value points into */
  uint64_t old_lo, old_hi;     /* the stack left (0 when none is known) */
  uint64_t new_lo, new_hi;     /* the current stack (0 when not yet known) */
  uint64_t newsize;            /* at a copy: size of the stack being made */
  uint64_t walk_pc, walk_sp, walk_lo, walk_hi; /* the Go stack for the report */
} ud_violation;

/* Writes the report; returns only if the program is to go on
 * (halt_on_error=0). The callers report each (gate, slot) once. */
void ud_emit(const ud_options *opt, const ud_rt *rt, const ud_violation *v);

#endif
