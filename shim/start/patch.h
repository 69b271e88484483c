/* patch: patching a watched runtime's code so that it reaches the shim.
 *
 * The sites (sites.h) are rewritten in the constructor or before the
 * runtime starts: each `CALL rel32` to runtime.copystack, to
 * runtime.exitsyscall and runtime.reentersyscall in cgocallbackg and
 * (move_on_callback=1) to
 * runtime.cgocallbackg1 then calls a stub of the runtime's own, mapped
 * within +-2 GiB of its text, which loads the runtime's ud_rt into %r12 and
 * jumps to the trampoline (trampoline.S); runtime.exit's first instruction
 * becomes a jump to its stub. Every byte is checked before anything is
 * written; on failure nothing is left patched. */
#ifndef UNDEAD_PATCH_H
#define UNDEAD_PATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "rt.h"

/* Patches rt's sites; with move_on_callback (rt->opt), also the
 * cgocallbackg1 call; with rt->own_stacks, every stackalloc and stackfree
 * call of the runtime (rt->stacks), else with the quarantine copystack's
 * stackfree. The exit hook is installed when the site was found
 * (counts at exit), never required. */
bool ud_hook_install(ud_rt *rt, char *why, size_t cap);

/* With quarantine=1 (rt->opt), whether copystack's call of stackfree is
 * diverted (its site was found); false: the quarantine is off there. */
bool ud_hook_quarantines(const ud_rt *rt);

#endif
