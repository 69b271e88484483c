/* history (shim/check/history.c): the table of stacks goroutines left inside
 * callbacks, checked against a plain model: records found after many
 * inserts and removals (backward-shift deletion keeps every probe run
 * whole), a g reused by a new goroutine starting afresh, repeated ranges
 * kept once, the oldest ranges dropped past the cap, the oldest records
 * evicted when the table is half full, and the count the fast path reads. */
#include <stdlib.h>
#include <string.h>

#include "history.h"

#include "check.h"

enum { N = 1500 };

typedef struct model {
  uintptr_t g;
  int64_t goid;
  bool live;
  uint64_t lo;
} model;

static model m[N];

int main(void) {
  CHECK(ud_history_init());
  CHECK(!ud_history_any());
  const void *rt = (const void *)0x1000;
  srand(7);
  /* g structs are 8-byte aligned and close together, as in the Go heap */
  for (size_t i = 0; i < N; i++) {
    m[i] = (model){.g = 0xc000100000u + 0x1c8u * (uintptr_t)i, .goid = (int64_t)i + 1, .live = true,
                   .lo = 0xc000800000u + 0x4000u * i};
    ud_history_add(rt, m[i].g, m[i].goid, m[i].lo, m[i].lo + 0x2000);
  }
  CHECK(ud_history_count == N && ud_history_any());
  /* take and drop a random half, then every one left must still be found */
  for (size_t i = 0; i < N; i++)
    if (rand() % 2) {
      ud_ranges r;
      CHECK(ud_history_take(rt, m[i].g, m[i].goid, &r) && r.n == 1 && r.lo[0] == m[i].lo);
      m[i].live = false;
    }
  size_t live = 0;
  for (size_t i = 0; i < N; i++) {
    ud_ranges r;
    bool got = ud_history_copy(rt, m[i].g, m[i].goid, &r);
    CHECK(got == m[i].live);
    if (got)
      CHECK(r.n == 1 && r.lo[0] == m[i].lo && r.hi[0] == m[i].lo + 0x2000);
    live += m[i].live;
  }
  CHECK(ud_history_count == live);
  /* another runtime's g at the same address is another goroutine */
  ud_ranges r;
  CHECK(!ud_history_copy((const void *)0x2000, m[0].g, m[0].goid, &r));
  /* the same g with a new goid: the old record goes, the new one starts afresh */
  size_t k = 0;
  while (!m[k].live)
    k++;
  ud_history_add(rt, m[k].g, 99999, 0x10000, 0x12000);
  CHECK(ud_history_copy(rt, m[k].g, 99999, &r) && r.n == 1 && r.lo[0] == 0x10000);
  CHECK(!ud_history_copy(rt, m[k].g, m[k].goid, &r));
  /* one range once; past the cap, the oldest go */
  ud_history_add(rt, m[k].g, 99999, 0x10000, 0x12000);
  CHECK(ud_history_copy(rt, m[k].g, 99999, &r) && r.n == 1);
  for (uint64_t i = 1; i <= UD_HISTORY_RANGES + 3; i++)
    ud_history_add(rt, m[k].g, 99999, 0x10000 + i * 0x4000, 0x12000 + i * 0x4000);
  CHECK(ud_history_take(rt, m[k].g, 99999, &r) && r.n == UD_HISTORY_RANGES);
  CHECK(r.lo[UD_HISTORY_RANGES - 1] == 0x10000 + (UD_HISTORY_RANGES + 3) * 0x4000);
  CHECK(r.lo[0] == 0x10000 + 4 * 0x4000);
  /* drop every record: the table is empty again */
  for (size_t i = 0; i < N; i++)
    if (m[i].live && i != k)
      CHECK(ud_history_take(rt, m[i].g, m[i].goid, &r));
  CHECK(ud_history_count == 0 && !ud_history_any());
  /* more goroutines than the table keeps: the oldest are evicted, the
   * newest all stay */
  enum { MANY = 5000 };
  for (size_t i = 0; i < MANY; i++)
    ud_history_add(rt, 0xd000000000u + 0x1c8u * i, (int64_t)i, 0x1000 * i, 0x1000 * i + 0x800);
  CHECK(ud_history_count <= MANY / 2);
  for (size_t i = MANY - 100; i < MANY; i++)
    CHECK(ud_history_copy(rt, 0xd000000000u + 0x1c8u * i, (int64_t)i, &r));
  CHECK(!ud_history_copy(rt, 0xd000000000u, 0, &r));
  return check_status();
}
