/* parked: the scan for candidate gate frames (see parked.h). */
#include "parked.h"

static inline uint64_t rd64(uint64_t a) { return *(volatile const uint64_t *)(uintptr_t)a; }

size_t ud_find_parked(const ud_gate_table *t, uint64_t from, uint64_t lo, uint64_t hi,
                      ud_parked *out, size_t cap) {
  uint64_t below = (uint64_t)t->park_spdelta + 8;
  size_t n = 0;
  if (hi < 8 || lo + below < lo || t->n == 0)
    return 0;
  uint64_t end = from > lo + below ? from : lo + below; /* the lowest word to look at */
  uint64_t span = t->y_max - t->y_min;
  uint64_t a = (hi - 8) & ~(uint64_t)7;
  /* The whole stack above `from` is read at every check: four words at a
   * time, with one unsigned compare each against the gates' Y range, so
   * that the scan stays well below the cost of the copy it precedes. */
  while (a >= end && n < cap) {
    if (a >= end + 24) {
      const uint64_t *p = (const uint64_t *)(uintptr_t)(a - 24);
      if (p[3] - t->y_min > span && p[2] - t->y_min > span && p[1] - t->y_min > span &&
          p[0] - t->y_min > span) {
        a -= 32;
        continue;
      }
    }
    uint64_t w = rd64(a);
    const ud_gate_entry *gi;
    if (w - t->y_min <= span && (gi = ud_gate_by_y(t, w)) != NULL && rd64(a - below) == t->park_pc)
      out[n++] = (ud_parked){.gi = gi, .sp = a + 8};
    a -= 8;
  }
  return n;
}
