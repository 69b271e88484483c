/* report_emit: turning a violation into an undead report (the model in
 * report/report.h), rendering it in the chosen format with write(2) to
 * stderr or log_path.PID, then stopping the program as the options say.
 * Called with the gtable lock held (it guards the one static report). */
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
 * (halt_on_error=0). Each (gate, slot) is reported once. */
void ud_emit(const ud_violation *v);

#endif
