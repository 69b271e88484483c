/* rt: one watched Go runtime in this process, and how to read its
 * goroutines.
 *
 * A process holds one Go runtime per Go image: the executable's, or one
 * for each Go library (c-shared) it loaded. Each is probed, described and
 * hooked on its own; its hooks find their ud_rt through %r12 (set by the
 * runtime's own stubs, see start/patch.c), so nothing is looked up on the hot
 * path. Everything in a ud_rt is written before its hooks are installed
 * and only read afterwards, except the gates' "reported" flags.
 *
 * Reads of g and m are plain loads of memory the runtime never unmaps (g
 * and m live in the Go heap and are never freed): a racing read gives a
 * stale value, never a fault. Nothing here calls into Go or allocates. */
#ifndef UNDEAD_RT_H
#define UNDEAD_RT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "gate_table.h"
#include "image.h"
#include "layout.h"
#include "options.h"
#include "pclntab.h"
#include "rt_asm.h"
#include "sites.h"

typedef struct ud_rt {
  ud_rt_asm a;        /* first: the trampolines read it through %r12 */
  ud_image *img;
  ud_pclntab *tab;
  uint64_t bias;      /* run-time address - link-time address */
  char path[PATH_MAX];
  char go_version[64];
  ud_layout layout;
  ud_gate_table gates;
  ud_sites sites;     /* link-time */
  const ud_options *opt; /* the process's, read-only once started */
  bool quarantine;       /* copystack's stackfree is diverted (check/quarantine.h) */
  bool own_stacks;       /* every stackalloc and stackfree is diverted (check/ownstack.h) */
  ud_stack_sites stacks; /* their calls (link-time), read when own_small_stacks=1 */
  bool names_at_report;  /* DWARF not read at start-up: a report names its slot from it */
} ud_rt;

static inline uint64_t ud_rd64(uintptr_t addr) { return *(volatile const uint64_t *)addr; }
static inline uint32_t ud_rd32(uintptr_t addr) { return *(volatile const uint32_t *)addr; }

static inline uint64_t ud_field(uintptr_t base, int32_t off) { return ud_rd64(base + (uintptr_t)off); }

/* The fields of a g the checks use, read once. */
typedef struct ud_gview {
  uintptr_t g;
  uint64_t stack_lo, stack_hi;
  uint64_t sched_sp, sched_pc;
  int64_t goid;
} ud_gview;

static inline void ud_read_g(const ud_layout *L, uintptr_t g, ud_gview *o) {
  o->g = g;
  o->stack_lo = ud_field(g, L->g_stack_lo);
  o->stack_hi = ud_field(g, L->g_stack_hi);
  o->sched_sp = ud_field(g, L->g_sched_sp);
  o->sched_pc = ud_field(g, L->g_sched_pc);
  o->goid = (int64_t)ud_field(g, L->g_goid);
}

/* The M a goroutine's cgo calls run on: g.m while it runs, g.lockedm while
 * it is parked inside a callback (cgocallbackg locks it to its thread). */
static inline uintptr_t ud_g_cgo_m(const ud_layout *L, uintptr_t g) {
  uintptr_t m = (uintptr_t)ud_field(g, L->g_m);
  return m != 0 ? m : (uintptr_t)ud_field(g, L->g_lockedm);
}

/* Cgo calls in progress on m: one per gate frame open on its goroutine. */
static inline int32_t ud_m_ncgo(const ud_layout *L, uintptr_t m) {
  return (int32_t)ud_rd32(m + (uintptr_t)L->m_ncgo);
}

#endif
