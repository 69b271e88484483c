/* report_emit: turning a violation into an undead report (the model in
 * report/report.h), writing it in the chosen format where log_path says
 * (report_out.h), then stopping the program as the options say. Called
 * with the gtable lock held (it guards the one static report). */
#ifndef UNDEAD_REPORT_EMIT_H
#define UNDEAD_REPORT_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "gtable.h"
#include "runtime.h"
#include "vocab.h"

typedef struct ud_violation {
  enum ud_kind kind;
  enum ud_trigger trigger;
  const ud_gview *gv;    /* the goroutine as read at the check */
  const ud_grec *rec;
  uint32_t snap;         /* the gate snapshot concerned */
  size_t slot;           /* index in the gate's slots; SIZE_MAX: a g field */
  const char *g_field;   /* "syscallsp" / "syscallbp" when slot == SIZE_MAX */
  uint64_t value;
  enum ud_region points_to;
  uint64_t stale_lo, stale_hi; /* the range the value points into */
  uint64_t old_lo, old_hi;     /* the stack the gate frame is read from */
  uint64_t new_lo, new_hi;     /* 0 when not yet known */
  uint64_t newsize;            /* at a copy: size of the stack being made */
  uint64_t walk_pc, walk_sp;   /* start of the Go stack walk for the report */
} ud_violation;

/* Writes the report; returns only if the program is to go on
 * (halt_on_error=0). Every call writes a report: reporting each (gate,
 * slot) once is the callers' doing (ud_gateinfo_claim in verify.c). */
void ud_emit(const ud_violation *v);

#endif
