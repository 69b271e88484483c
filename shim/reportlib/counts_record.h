/* counts_record: what the shim checked in one process, the record it
 * writes at exit (undead-counts/1, docs/report-schema.md) beside its
 * reports, and that `undead report` sums over a log directory. One row per
 * counter: the shim's per-thread blocks, the record's keys and the reader
 * all come from UD_COUNTERS. */
#ifndef UNDEAD_COUNTS_RECORD_H
#define UNDEAD_COUNTS_RECORD_H

#include <stdint.h>

#include "report.h"

#define UD_COUNTS_SCHEMA "undead-counts/1"

/* X(member, what it counts) - the member is the JSON key */
#define UD_COUNTERS(X)                                                                        \
  X(callbacks, "callbacks from C into Go that returned to C (one that panics through its C "  \
               "frames does not return)")                                                    \
  X(gate_returns, "of those, returns into an open gate, each checked there")                  \
  X(relocations, "stack relocations of goroutines with a gate open, each checked")            \
  X(forced_moves, "of those, moves to a stack of the same size (move_on_callback)")           \
  X(gate_frames, "gate frames found and checked at those relocations")                        \
  X(quarantined, "stacks left at those relocations, held and checked for writes (quarantine)")  \
  X(protected, "of those, made inaccessible while held (those that own their pages: 4 KiB "     \
               "and larger, and 2 KiB ones served from the shim's pages), so that an access is "  \
               "caught when it is made")                                                         \
  X(own_stacks, "2 KiB goroutine stacks served from pages of the shim's own, one a page "         \
                "(own_small_stacks, with quarantine)")                                           \
  X(reports, "violations reported")

typedef struct ud_counts {
#define UD_COUNT_MEMBER(m, help) uint64_t m;
  UD_COUNTERS(UD_COUNT_MEMBER)
#undef UD_COUNT_MEMBER
} ud_counts;

/* The record: the counts of one process. */
typedef struct ud_counts_record {
  ud_counts c;
  int32_t pid;
  char binary[4096];
  char go_version[128];
} ud_counts_record;

/* into += c, counter by counter (c may be a thread's live block). */
void ud_counts_add(ud_counts *into, const volatile ud_counts *c);

/* One line, newline included: the JSON record, or (text logs) the same
 * counts as "undead: checked: key=N ...". */
void ud_counts_render_json(const ud_counts_record *r, ud_out *o);
void ud_counts_render_text(const ud_counts_record *r, ud_out *o);
/* In words, for people: "N callback(s), N return(s) into a gate, ...". */
void ud_counts_render_words(const ud_counts *c, ud_out *o);

#endif
