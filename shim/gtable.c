/* gtable: open addressing with linear probing and backward-shift deletion
 * over a fixed array of record pointers. */
#include "gtable.h"

#include <sched.h>
#include <string.h>

#include "alloc.h"

enum { SLOTS = 4096 }; /* power of two; records in use stay far below */

static ud_grec **slots;
static ud_grec *freelist[SLOTS];
static size_t nfree;
static size_t nlive;   /* records in the table */
size_t ud_gtable_nactive; /* of those, with a snapshot (depth > 0) */
int ud_gtable_lockword;

bool ud_gtable_init(void) {
  slots = ud_alloc(SLOTS * sizeof *slots);
  return slots != NULL;
}

/* The contended path of ud_gtable_lock: spin, then yield. */
void ud_gtable_lock_slow(void) {
  for (unsigned spins = 0;; spins++) {
    if (!__atomic_exchange_n(&ud_gtable_lockword, 1, __ATOMIC_ACQUIRE))
      return;
    while (__atomic_load_n(&ud_gtable_lockword, __ATOMIC_RELAXED)) {
      if (++spins > 64)
        sched_yield();
      else
        __builtin_ia32_pause();
    }
  }
}

static size_t hash(uintptr_t g) { return (size_t)((g >> 4) * 0x9E3779B97F4A7C15ull >> 52) & (SLOTS - 1); }

ud_grec *ud_gtable_find(uintptr_t g) {
  for (size_t i = hash(g), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
    ud_grec *r = slots[i];
    if (r == NULL)
      return NULL;
    if (r->g == g)
      return r;
  }
  return NULL;
}

/* Takes an idle record out of the table, onto the free list. */
static void remove_idle(ud_grec *r) {
  size_t i = hash(r->g);
  while (slots[i] != r)
    i = (i + 1) & (SLOTS - 1);
  slots[i] = NULL;
  /* backward shift: move later members of the probe run into the hole */
  for (size_t j = (i + 1) & (SLOTS - 1); slots[j] != NULL; j = (j + 1) & (SLOTS - 1)) {
    size_t home = hash(slots[j]->g);
    bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      slots[i] = slots[j];
      slots[j] = NULL;
      i = j;
    }
  }
  r->g = 0;
  freelist[nfree++] = r;
  __atomic_store_n(&nlive, nlive - 1, __ATOMIC_RELAXED);
}

/* Drops every idle record (no snapshot): they are kept only so that the
 * next callback of the same goroutine finds its record ready. */
static void evict_idle(void) {
  for (size_t i = 0; i < SLOTS;) {
    ud_grec *r = slots[i];
    if (r != NULL && r->depth == 0)
      remove_idle(r); /* shifts a later record into slot i: look again */
    else
      i++;
  }
}

ud_grec *ud_gtable_get(uintptr_t g) {
  ud_grec *r = ud_gtable_find(g);
  if (r != NULL)
    return r;
  if (nlive >= SLOTS / 2)
    evict_idle();
  if (nlive >= SLOTS / 2)
    return NULL;
  r = nfree > 0 ? freelist[--nfree] : ud_alloc(sizeof *r);
  if (r == NULL)
    return NULL;
  memset(r, 0, offsetof(ud_grec, snaps)); /* idle: depth 0 */
  r->g = g;
  size_t i = hash(g);
  while (slots[i] != NULL)
    i = (i + 1) & (SLOTS - 1);
  slots[i] = r;
  __atomic_store_n(&nlive, nlive + 1, __ATOMIC_RELAXED);
  return r;
}


void ud_gtable_each(bool (*fn)(void *ctx, ud_grec *r), void *ctx) {
  for (size_t i = 0; i < SLOTS; i++)
    if (slots[i] != NULL && slots[i]->depth > 0 && !fn(ctx, slots[i]))
      return;
}
