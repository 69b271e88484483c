/* history: a small open-addressed table keyed by (runtime, g), linear
 * probing with backward-shift deletion, over records allocated once. When
 * it is full the oldest record is dropped: a goroutine that left its
 * callbacks by a panic never clears its own. */
#include "history.h"

#include <string.h>

#include "alloc.h"
#include "spinlock.h"

enum { SLOTS = 4096 }; /* power of two; at most half are used */

typedef struct record {
  const void *rt;
  uintptr_t g; /* 0: free slot */
  int64_t goid;
  uint64_t seq;
  ud_ranges r;
} record;

static record *table;
static uint64_t seq;
static int lockword;
size_t ud_history_count;

bool ud_history_init(void) {
  table = ud_alloc(SLOTS * sizeof *table);
  return table != NULL;
}

static void lock(void) { ud_spin_lock(&lockword); }
static void unlock(void) { ud_spin_unlock(&lockword); }

static size_t home(const void *rt, uintptr_t g) {
  return (size_t)(((g >> 4) ^ ((uintptr_t)rt >> 6)) * 0x9E3779B97F4A7C15ull >> 52) & (SLOTS - 1);
}

static record *find(const void *rt, uintptr_t g) {
  for (size_t i = home(rt, g), k = 0; k < SLOTS; i = (i + 1) & (SLOTS - 1), k++) {
    if (table[i].g == 0)
      return NULL;
    if (table[i].g == g && table[i].rt == rt)
      return &table[i];
  }
  return NULL;
}

/* Backward-shift deletion: later records of the same probe run move up, so
 * that a lookup never stops early at the hole. */
static void remove_at(size_t i) {
  size_t j = i;
  for (;;) {
    table[i].g = 0;
    for (;;) {
      j = (j + 1) & (SLOTS - 1);
      if (table[j].g == 0)
        goto done;
      size_t h = home(table[j].rt, table[j].g);
      /* table[j] may fill the hole at i unless its home lies in (i, j] */
      if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
        break;
    }
    table[i] = table[j];
    i = j;
  }
done:
  __atomic_store_n(&ud_history_count, ud_history_count - 1, __ATOMIC_RELAXED);
}

void ud_history_add(const void *rt, uintptr_t g, int64_t goid, uint64_t lo, uint64_t hi) {
  if (table == NULL || g == 0)
    return;
  lock();
  record *r = find(rt, g);
  if (r != NULL && r->goid != goid) {
    remove_at((size_t)(r - table)); /* the g struct serves a new goroutine */
    r = NULL;
  }
  if (r == NULL) {
    if (ud_history_count >= SLOTS / 2) {
      size_t oldest = SLOTS;
      for (size_t i = 0; i < SLOTS; i++)
        if (table[i].g != 0 && (oldest == SLOTS || table[i].seq < table[oldest].seq))
          oldest = i;
      remove_at(oldest);
    }
    size_t i = home(rt, g);
    while (table[i].g != 0)
      i = (i + 1) & (SLOTS - 1);
    r = &table[i];
    memset(r, 0, sizeof *r);
    r->rt = rt;
    r->g = g;
    r->goid = goid;
    __atomic_store_n(&ud_history_count, ud_history_count + 1, __ATOMIC_RELAXED);
  }
  r->seq = ++seq;
  ud_ranges *rg = &r->r;
  if (rg->n == 0 || rg->lo[rg->n - 1] != lo || rg->hi[rg->n - 1] != hi) {
    if (rg->n == UD_HISTORY_RANGES) {
      memmove(&rg->lo[0], &rg->lo[1], (UD_HISTORY_RANGES - 1) * sizeof rg->lo[0]);
      memmove(&rg->hi[0], &rg->hi[1], (UD_HISTORY_RANGES - 1) * sizeof rg->hi[0]);
      rg->n--;
    }
    rg->lo[rg->n] = lo;
    rg->hi[rg->n] = hi;
    rg->n++;
  }
  unlock();
}

void ud_history_set_gates(const void *rt, uintptr_t g, int64_t goid, const ud_gate_memo *m) {
  if (table == NULL)
    return;
  lock();
  record *r = find(rt, g);
  if (r != NULL && r->goid == goid)
    r->r.gates = *m;
  unlock();
}

static bool lookup(const void *rt, uintptr_t g, int64_t goid, ud_ranges *out, bool drop) {
  if (table == NULL)
    return false;
  lock();
  record *r = find(rt, g);
  bool ok = r != NULL && r->goid == goid;
  if (ok)
    *out = r->r;
  if (r != NULL && (drop || !ok))
    remove_at((size_t)(r - table));
  unlock();
  return ok;
}

bool ud_history_copy(const void *rt, uintptr_t g, int64_t goid, ud_ranges *out) {
  return lookup(rt, g, goid, out, false);
}

bool ud_history_take(const void *rt, uintptr_t g, int64_t goid, ud_ranges *out) {
  return lookup(rt, g, goid, out, true);
}
