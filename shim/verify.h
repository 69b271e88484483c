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

#include <stdint.h>

#include "gtable.h"

/* With the gtable lock held; k is the snapshot being released. */
void ud_verify_release(ud_grec *r, uint32_t k);

#endif
