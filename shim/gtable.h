/* gtable: the goroutines that are inside a gate right now (a cgo call that
 * called back into Go), keyed by g pointer.
 *
 * A record holds the goroutine's gate snapshots, outermost first, and the
 * stack ranges it had since its outermost gate was entered. Everything is
 * guarded by one spin lock of the shim's own, held for short sections; it is
 * taken only in the cgo context function and in the copystack hook, never
 * in a signal handler. Records come from the shim's allocator and are
 * recycled, never returned. A record whose last snapshot is dropped stays in
 * the table, idle, for the goroutine's next callback (most callbacks come
 * from a few goroutines, again and again); idle records are evicted when
 * the table fills, and are invisible to ud_gtable_each. */
#ifndef UNDEAD_GTABLE_H
#define UNDEAD_GTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gateinfo.h"

enum { UD_MAX_NEST = 16, UD_MAX_RANGES = 32 };

typedef struct ud_snapshot {
  const ud_gate_info *gi;
  uint64_t off;                 /* stack.hi - gate frame SP: invariant under copying */
  uint64_t entry_lo, entry_hi;  /* the stack at gate entry */
  uint64_t token;               /* identifies the callback (thread frame) */
  uint64_t x_values[UD_GATE_MAX_SLOTS]; /* slot values at entry, for the report */
} ud_snapshot;

typedef struct ud_grec {
  uintptr_t g;
  int64_t goid;
  uint32_t depth;
  ud_snapshot snaps[UD_MAX_NEST];
  /* earlier stack ranges, oldest first; the current one is read from g */
  uint32_t nranges;
  uint64_t range_lo[UD_MAX_RANGES], range_hi[UD_MAX_RANGES];
} ud_grec;

bool ud_gtable_init(void);
extern int ud_gtable_lockword;
void ud_gtable_lock_slow(void);
/* Inline: taken twice per callback, almost never contended. */
static inline void ud_gtable_lock(void) {
  if (__atomic_exchange_n(&ud_gtable_lockword, 1, __ATOMIC_ACQUIRE))
    ud_gtable_lock_slow();
}
static inline void ud_gtable_unlock(void) { __atomic_store_n(&ud_gtable_lockword, 0, __ATOMIC_RELEASE); }


/* With the lock held. */
ud_grec *ud_gtable_find(uintptr_t g);
ud_grec *ud_gtable_get(uintptr_t g); /* creates (idle); NULL if full or out of memory */
/* Records with a snapshot; written with the lock held. */
extern size_t ud_gtable_nactive;

/* The same, read without the lock as a fast "nothing to do". */
static inline size_t ud_gtable_active(void) { return __atomic_load_n(&ud_gtable_nactive, __ATOMIC_RELAXED); }

/* A new innermost snapshot of r (starting r's history of stack ranges
 * afresh if it was idle); NULL when nested deeper than recorded. The three
 * below are inline: every callback runs them. */
static inline ud_snapshot *ud_gtable_push_snapshot(ud_grec *r, int64_t goid) {
  if (r->depth == UD_MAX_NEST)
    return NULL;
  if (r->depth == 0) {
    r->nranges = 0;
    r->goid = goid;
    __atomic_store_n(&ud_gtable_nactive, ud_gtable_nactive + 1, __ATOMIC_RELAXED);
  }
  return &r->snaps[r->depth++];
}

/* Removes snapshot i from r (r goes idle when it was the last). */
static inline void ud_gtable_drop_snapshot(ud_grec *r, uint32_t i) {
  if (i >= r->depth)
    return;
  if (i + 1 < r->depth) /* usually the innermost goes: nothing to move */
    memmove(&r->snaps[i], &r->snaps[i + 1], (r->depth - i - 1) * sizeof r->snaps[0]);
  r->depth--;
  if (r->depth == 0) /* its ranges are started afresh at the next push */
    __atomic_store_n(&ud_gtable_nactive, ud_gtable_nactive - 1, __ATOMIC_RELAXED);
}

/* Remembers [lo, hi) as an earlier stack of r (no-op if already the last). */
static inline void ud_gtable_add_range(ud_grec *r, uint64_t lo, uint64_t hi) {
  if (r->nranges > 0 && r->range_lo[r->nranges - 1] == lo && r->range_hi[r->nranges - 1] == hi)
    return;
  if (r->nranges == UD_MAX_RANGES) {
    memmove(&r->range_lo[0], &r->range_lo[1], (UD_MAX_RANGES - 1) * sizeof r->range_lo[0]);
    memmove(&r->range_hi[0], &r->range_hi[1], (UD_MAX_RANGES - 1) * sizeof r->range_hi[0]);
    r->nranges--;
  }
  r->range_lo[r->nranges] = lo;
  r->range_hi[r->nranges] = hi;
  r->nranges++;
}

/* Calls fn for every record with a snapshot; stops when fn returns false. */
void ud_gtable_each(bool (*fn)(void *ctx, ud_grec *r), void *ctx);

#endif
