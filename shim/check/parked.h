/* parked: the candidate gate frames on a goroutine's stack.
 *
 * A gate frame parked in C (a runtime.cgocall at Y) leaves two words on
 * the goroutine's stack: its return address Y, and, park_spdelta + 8 bytes
 * below, the pc cgocallback pushed (gate_table.h's park pc). The same pair
 * can survive in a dead slot of a frame that later covers that memory, so a
 * pair is only a candidate: the frame walk (verify.c) decides. The scan
 * therefore never stops at the number of open cgo calls: a stale pair
 * above the real gates would otherwise take a real gate's place and hide
 * it. Reads only inside [lo, hi); nothing here allocates or locks. */
#ifndef UNDEAD_PARKED_H
#define UNDEAD_PARKED_H

#include <stddef.h>
#include <stdint.h>

#include "gate_table.h"

typedef struct ud_parked {
  const ud_gate_entry *gi;
  uint64_t sp; /* the candidate frame's SP (just above Y) */
} ud_parked;

/* Every candidate pair whose Y lies in [from, hi) (and in [lo, hi) with
 * the park pc below it), outermost (highest) first, at most cap; returns
 * how many were stored. */
size_t ud_find_parked(const ud_gate_table *t, uint64_t from, uint64_t lo, uint64_t hi,
                      ud_parked *out, size_t cap);

#endif
