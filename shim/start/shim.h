/* Room start/: once per Go runtime, before any of its goroutines runs (the
 * constructor, or the shim's pthread_create for a Go library). It may
 * allocate (the shim's private allocator), take pthread locks of its own,
 * read files, and print one-line messages; whatever it cannot do turns the
 * shim off for that runtime with one line. What it leaves behind (ud_rt,
 * the gate table, the patches) is read-only afterwards. */
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


#endif
