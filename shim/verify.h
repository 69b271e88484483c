/* verify: the checks.
 *
 * At every stack copy of a goroutine inside a gate (ud_on_copystack, before
 * the copy: the old stack is intact), every slot of each gate frame that is
 * live at X but not at Y (the GC will trace it, the copier will not adjust
 * it) must not point into the stack being left, into an earlier stack of the
 * goroutine, or into another goroutine's stack.
 *
 * When a callback returns to C (ud_verify_release, the moment X is restored
 * for the GC), if the goroutine's stack moved since the gate was entered,
 * every slot live at X in each of its gate frames must not point into an
 * earlier stack; and the restored g.syscallsp (g.syscallbp where it
 * exists) must lie in the current stack.
 *
 * Snapshots whose gate frame is no longer on the stack (a panic unwound the
 * C frames without a release) are recognised by walking the goroutine's
 * frames and dropped, never checked. */
#ifndef UNDEAD_VERIFY_H
#define UNDEAD_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "gtable.h"
#include "runtime.h"

/* With the gtable lock held; k is the snapshot being released. */
void ud_verify_release(ud_grec *r, uint32_t k);

/* Whether ud_verify_release can find anything: not when the goroutine is
 * still on the one stack recorded and the restored syscall state lies in
 * it, as after most callbacks. Four loads, inline: every callback asks. */
static inline bool ud_verify_release_needed(const ud_grec *r) {
  uint64_t lo, hi;
  ud_rt_g_stack(r->g, &lo, &hi);
  uint64_t sp = ud_rt_field(r->g, ud_rt_layout.g_syscallsp);
  uint64_t bp = ud_rt_field_opt(r->g, ud_rt_layout.g_syscallbp);
  return !(r->nranges == 1 && r->range_lo[0] == lo && r->range_hi[0] == hi && sp >= lo &&
           sp <= hi && (bp == 0 || (bp >= lo && bp < hi)));
}

#endif
