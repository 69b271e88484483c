/* parked: the scan for candidate gate frames (see parked.h). */
#include "parked.h"

static inline uint64_t rd64(uint64_t a) { return *(volatile const uint64_t *)(uintptr_t)a; }

size_t ud_find_parked(const ud_gate_table *t, uint64_t from, uint64_t lo, uint64_t hi,
                      ud_parked *out, size_t cap) {
  uint64_t below = (uint64_t)t->park_spdelta + 8;
  size_t n = 0;
  if (hi < 8 || lo + below < lo)
    return 0;
  for (uint64_t a = (hi - 8) & ~(uint64_t)7; a >= from && a >= lo + below && n < cap; a -= 8) {
    uint64_t w = rd64(a);
    const ud_gate_info *gi;
    if (w < t->y_min || w > t->y_max || (gi = ud_gate_by_y(t, w)) == NULL)
      continue;
    if (rd64(a - below) != t->park_pc)
      continue;
    out[n++] = (ud_parked){.gi = gi, .sp = a + 8};
  }
  return n;
}
