/* gostack: walking a goroutine's Go frames with the function table's pcsp,
 * as the runtime's unwinder does on amd64: fp = sp + spdelta(pc) + 8, the
 * caller's pc is at fp - 8, the caller's sp is fp. Used on a stack that
 * cannot change under the walk (the goroutine is stopped for a copy, or in a
 * cgo call). Reads only inside [lo, hi). */
#ifndef UNDEAD_GOSTACK_H
#define UNDEAD_GOSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "pclntab.h"

typedef struct ud_goframe {
  uint64_t pc, sp, fp; /* run-time addresses */
  ud_func fn;
  int index;           /* 0 = innermost */
} ud_goframe;

enum ud_walk_end {
  UD_WALK_TOP = 0,     /* reached runtime.goexit (or another top of stack) */
  UD_WALK_STOPPED,     /* the callback asked to stop */
  UD_WALK_LOST,        /* unknown pc, bad pcsp, or a frame outside [lo, hi) */
};

typedef bool (*ud_goframe_fn)(void *ctx, const ud_goframe *f);

enum ud_walk_end ud_gostack_walk(const ud_pclntab *tab, uint64_t bias, uint64_t pc, uint64_t sp,
                                 uint64_t lo, uint64_t hi, ud_goframe_fn fn, void *ctx);

#endif
