/* report_emit: turning a violation into an undead report (the model in
 * report/report.h), writing it in the chosen format where log_path says
 * (report_out.h), then stopping the program as the options say. One report
 * at a time (a lock of its own guards the one static report). */
#ifndef UNDEAD_REPORT_EMIT_H
#define UNDEAD_REPORT_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "gate_table.h"
#include "options.h"
#include "rt.h"
#include "vocab.h"

/* What a check found, by value: nothing here points into the shim's
 * mutable state (gate is read-only after start-up). */
typedef struct ud_violation {
  enum ud_kind kind;
  enum ud_trigger trigger;
  const ud_gate_info *gate;     /* NULL: no gate (a move in a plain system call) */
  int32_t gate_depth;    /* 1 = the goroutine's outermost open gate */
  uint64_t frame_sp;     /* the gate frame's SP in the stack walked */
  int64_t goid;
  size_t slot;           /* index in the gate's slots; SIZE_MAX: a g field */
  const char *g_field;   /* "syscallsp" / "syscallbp" when slot == SIZE_MAX */
  uint64_t value;
  enum ud_region points_to;
  uint64_t stale_lo, stale_hi; /* the range the value points into */
  uint64_t old_lo, old_hi;     /* the stack left (0 when none is known) */
  uint64_t new_lo, new_hi;     /* the current stack (0 when not yet known) */
  uint64_t newsize;            /* at a copy: size of the stack being made */
  uint64_t walk_pc, walk_sp, walk_lo, walk_hi; /* the Go stack for the report */
  bool walk_pc_is_ret;         /* the walk starts at a return address (X) */
  uint64_t mover_pc;           /* at a copy: the return address into newstack/shrinkstack */
  uint64_t syscall_pc;         /* move-in-syscall: g.syscallpc */
  uint64_t fp_slot;            /* stale-frame-pointer: where the stale link was read (0: the start) */
} ud_violation;

/* Writes the report; returns only if the program is to go on
 * (halt_on_error=0). Every call writes a report: reporting each (gate,
 * slot) once is the callers' doing (ud_gate_claim in verify.c). */
void ud_emit(const ud_options *opt, const ud_rt *rt, const ud_violation *v);

#endif
