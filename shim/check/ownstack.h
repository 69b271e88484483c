/* ownstack: the runtime's smallest goroutine stacks served from pages of
 * the shim's own, one stack a page, so that the quarantine can make a left
 * one inaccessible too (own_small_stacks=1, with quarantine=1).
 *
 * A 2 KiB stack (the size every goroutine starts with, the seed's first
 * growth leaves one) is carved by the runtime from a 32 KiB span with
 * fifteen others: it shares its page, and mprotect cannot take it alone.
 * Here, every `CALL runtime.stackalloc` in the runtime asks the shim first
 * (ud_tramp_stackalloc): a request for exactly UD_OWNSTACK_SIZE bytes gets
 * the upper half of a page of one region the shim mapped at start-up, the
 * lower half unused; anything else, or a full region, goes to the runtime.
 * Every `CALL runtime.stackfree` comes to the shim (ud_tramp_stackfree): a
 * stack inside the region goes back to the shim's free list, anything else
 * to the runtime. The runtime keeps working as it does in its own debug
 * mode (stackFromSystem, GODEBUG=efence=1), whose stacks are not in its
 * heap either: nothing but stackalloc and stackfree looks a stack up.
 * The size the goroutine sees is unchanged (2 KiB: its first growth still
 * happens where it would), only its address and its page are the shim's.
 *
 * The region is mapped once (MAP_NORESERVE: a page costs memory when a
 * stack is first put on it) and never unmapped, so the test "is lo in the
 * region" needs no lock and never goes stale. It is not mapped when the
 * address space is limited (RLIMIT_AS): reserving it could make the
 * program's own mappings fail.
 *
 * Rules: the check room's (verify.h). ud_ownstack_alloc and _free run on
 * the system stack inside stackalloc's and stackfree's callers; no
 * allocation, one spin lock of its own for the free list. */
#ifndef UNDEAD_OWNSTACK_H
#define UNDEAD_OWNSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "entry.h"
#include "rt_asm.h" /* UD_OWNSTACK_SIZE: the runtime's fixedStack on linux/amd64 */

enum { UD_OWNSTACK_PAGE = 4096 };

/* [ud_ownstack_lo, ud_ownstack_lo + ud_ownstack_len): the region (len 0
 * before it is mapped). Read by the trampolines. */
extern uint64_t ud_ownstack_lo, ud_ownstack_len;

/* At start-up, once per process (before the first runtime's hooks): maps
 * the region. 0, or why not: -1 when the address space is limited, else
 * mmap's errno. */
int ud_ownstack_init(void);

static inline bool ud_ownstack_owns(uint64_t lo) {
  return lo - ud_ownstack_lo < ud_ownstack_len;
}

/* ud_ownstack_alloc (a stack of UD_OWNSTACK_SIZE bytes: its lo, or 0
 * when the region is full) and ud_ownstack_free (takes back the stack at
 * lo, ud_ownstack_owns(lo)) are the trampolines' (entry.h). */

/* The page a stack of the region owns: [lo & ~page, +page). */
static inline uint64_t ud_ownstack_page(uint64_t lo) {
  return lo & ~(uint64_t)(UD_OWNSTACK_PAGE - 1);
}

#endif
