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

/* Probes the image, describes its gates and hooks its runtime (rt.c).
 * NULL with why set when the shim cannot work there; *quiet when that
 * needs no line (an image without cgo). library: a Go library (c-shared)
 * rather than the executable. */
ud_rt *ud_rt_attach(ud_image *img, const char *path, uint64_t bias, bool library,
                    const ud_options *opt, bool *quiet, char *why, size_t cap);

/* From the runtime.exit hook (trampoline.S), on the shim's own stack:
 * the process is ending with this exit code. */
void ud_on_exit(ud_rt *rt, int code);

#endif
