/* shim: the process-wide state of libundead.so: its options and the Go
 * runtimes it watches. Written in the constructor (and when a Go library
 * is attached), only read afterwards. */
#ifndef UNDEAD_SHIM_H
#define UNDEAD_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "options.h"
#include "rt.h"

enum { UD_MAX_RUNTIMES = 8 };

typedef struct ud_shim_state {
  ud_options opt;
  bool enabled;              /* options parsed, shim not turned off */
  ud_rt *rts[UD_MAX_RUNTIMES];
  size_t nrts;
} ud_shim_state;

extern ud_shim_state ud_shim;

/* From the runtime.exit hook (trampoline.S), on the thread's system stack:
 * the process is ending with status. Returns the status for exit_group
 * (ud_end_process: after the counts, and after any report in progress). */
int ud_on_exit(ud_rt *rt, int status);

#endif
