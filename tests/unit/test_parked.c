/* parked (shim/parked.c): the scan for candidate gate frames over a
 * synthetic goroutine stack. A stale copy of a gate's two words (Y, and
 * the park pc below it) in a dead slot above the real gate frame must not
 * hide the real one: the scan returns every pair, outermost first, and
 * the frame walk decides (verify.c). The old scan stopped after as many
 * pairs as open cgo calls (one here) and returned only the stale pair. */
#include <string.h>

#include "parked.h"

#include "check.h"

enum { WORDS = 512 };
static uint64_t stack[WORDS];

int main(void) {
  ud_gate_table t;
  memset(&t, 0, sizeof t);
  t.n = 2;
  t.gates[0].y_pc = 0x401040;
  t.gates[1].y_pc = 0x4010c0;
  t.y_min = 0x401040;
  t.y_max = 0x4010c0;
  t.park_pc = 0x405008;
  t.park_spdelta = 8; /* the park pc is 16 bytes below Y */
  uint64_t lo = (uint64_t)(uintptr_t)&stack[0], hi = (uint64_t)(uintptr_t)&stack[WORDS];

  /* the real gate frame: Y at word 100, the park pc at word 98 */
  stack[100] = t.gates[0].y_pc;
  stack[98] = t.park_pc;
  /* a stale pair above it, in a dead slot of an outer frame */
  stack[300] = t.gates[0].y_pc;
  stack[298] = t.park_pc;
  /* neither of these is a pair: Y without the park pc, the park pc alone,
   * a word between the gates' Ys that is no gate's Y */
  stack[400] = t.gates[1].y_pc;
  stack[402] = t.park_pc;
  stack[200] = 0x401080;
  stack[198] = t.park_pc;

  ud_parked out[8];
  size_t n = ud_find_parked(&t, lo, lo, hi, out, 8);
  CHECK(n == 2);
  CHECK(out[0].gi == &t.gates[0] && out[0].sp == (uint64_t)(uintptr_t)&stack[301]);
  CHECK(out[1].gi == &t.gates[0] && out[1].sp == (uint64_t)(uintptr_t)&stack[101]);

  /* `from` bounds the scan below (the parked sched.sp); cap bounds it */
  CHECK(ud_find_parked(&t, (uint64_t)(uintptr_t)&stack[101], lo, hi, out, 8) == 1);
  CHECK(ud_find_parked(&t, lo, lo, hi, out, 1) == 1 && out[0].sp == (uint64_t)(uintptr_t)&stack[301]);
  /* a pair whose park pc would lie below lo is not read */
  CHECK(ud_find_parked(&t, lo, (uint64_t)(uintptr_t)&stack[99], hi, out, 8) == 1);
  /* the other gate's Y with its park pc is found as that gate */
  stack[400 - 2] = t.park_pc;
  n = ud_find_parked(&t, lo, lo, hi, out, 8);
  CHECK(n == 3 && out[0].gi == &t.gates[1]);
  return check_status();
}
