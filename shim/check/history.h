/* history: the stacks goroutines left while inside callbacks.
 *
 * Every relocation of a goroutine with a gate open records the stack it
 * leaves here; when that goroutine's callback returns to C, the check
 * there reads the record (a slot live at X that points into one of those
 * stacks is stale, whether or not the move itself was checked) and the
 * outermost return clears it. Most callbacks never move their stack, so
 * the table is usually empty, and the callback-return path reads one word
 * to learn so. Records are keyed by (runtime, g, goid): a g struct reused
 * for a new goroutine starts afresh. One spin lock of the shim's own guards
 * the table; it is taken at relocations inside callbacks and at the
 * returns that follow them, never in a signal handler. */
#ifndef UNDEAD_HISTORY_H
#define UNDEAD_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { UD_HISTORY_RANGES = 32, UD_HISTORY_GATES = 8 };

/* The gate frames a move found, by depth below the stack's top (which a
 * move keeps), and the cgo calls open then. While the goroutine stays
 * inside the same callbacks (as many cgo calls open, no callback returned
 * since: ud_on_callback_return forgets them), its gates are frozen frames
 * above the callback's own: the next move finds them here instead of
 * scanning its stack again. */
typedef struct ud_gate_memo {
  int32_t ncgo;       /* 0: nothing remembered */
  size_t n;
  const void *gate[UD_HISTORY_GATES]; /* const ud_gate_entry * */
  uint64_t depth[UD_HISTORY_GATES];   /* hi - the gate frame's SP */
} ud_gate_memo;

typedef struct ud_ranges {
  size_t n;
  uint64_t lo[UD_HISTORY_RANGES], hi[UD_HISTORY_RANGES]; /* oldest first */
  ud_gate_memo gates;
} ud_ranges;

bool ud_history_init(void);

/* Records [lo, hi) as a stack goroutine (rt, g, goid) left. */
void ud_history_add(const void *rt, uintptr_t g, int64_t goid, uint64_t lo, uint64_t hi);

/* Remembers (or, with m->ncgo == 0, forgets) the gate frames of the
 * goroutine's record, if it has one. */
void ud_history_set_gates(const void *rt, uintptr_t g, int64_t goid, const ud_gate_memo *m);

/* Copies the goroutine's record into *out; false if it has none (a record
 * of an earlier goroutine on the same g is dropped). */
bool ud_history_copy(const void *rt, uintptr_t g, int64_t goid, ud_ranges *out);
/* The same, and the record is removed (the goroutine's outermost callback
 * is returning to C). */
bool ud_history_take(const void *rt, uintptr_t g, int64_t goid, ud_ranges *out);

/* Records in the table, read without the lock. */
extern size_t ud_history_count;
static inline bool ud_history_any(void) { return __atomic_load_n(&ud_history_count, __ATOMIC_RELAXED) != 0; }

#endif
