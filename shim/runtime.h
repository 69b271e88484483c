/* runtime: reading the Go runtime's g and m of the running process.
 *
 * Offsets come from the core's layout (DWARF or a verified table). Reads are
 * plain loads of memory the runtime never unmaps (g and m structs live in the
 * Go heap and are never freed), so a racing read gives a stale value, never
 * a fault. Nothing here calls into Go or allocates. */
#ifndef UNDEAD_RUNTIME_H
#define UNDEAD_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

enum { UD_GSCAN = 0x1000, UD_GSYSCALL = 3 };

void ud_rt_init(const ud_layout *layout);

/* The layout, set once by ud_rt_init before the runtime starts. The
 * required offsets are >= 0 (the shim refuses a layout lacking one); the
 * optional ones (sched.bp, syscallbp) are -1 where absent. The accessors are
 * inline: they run twice per callback. */
extern ud_layout ud_rt_layout;

static inline uint64_t ud_rd64(uintptr_t addr) { return *(volatile const uint64_t *)addr; }
static inline uint32_t ud_rd32(uintptr_t addr) { return *(volatile const uint32_t *)addr; }

/* The g in this thread's TLS slot: g0 while C runs on a Go thread, 0 on a C
 * thread Go never saw. %fs:0 holds the thread pointer itself (the TCB's
 * self pointer on x86-64 glibc); the executable's TLS block, and g in it,
 * sits below it. */
static inline uintptr_t ud_rt_tls_g(void) {
  uintptr_t tp;
  __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
  return (uintptr_t)ud_rd64(tp + (uintptr_t)ud_rt_layout.tls_g_offset);
}

typedef struct ud_gview {
  uintptr_t g;
  uint64_t stack_lo, stack_hi;
  uint64_t sched_sp, sched_pc;
  uint64_t syscallsp, syscallpc, syscallbp; /* syscallbp 0 where absent */
  uint32_t status;                          /* _Gscan bit cleared */
  int64_t goid;
} ud_gview;

static inline uint64_t ud_rt_field(uintptr_t base, int32_t off) { return ud_rd64(base + (uintptr_t)off); }
static inline uint64_t ud_rt_field_opt(uintptr_t base, int32_t off) {
  return off < 0 ? 0 : ud_rd64(base + (uintptr_t)off);
}

/* Reads the fields of g the shim uses. */
static inline void ud_rt_read_g(uintptr_t g, ud_gview *o) {
  const ud_layout *L = &ud_rt_layout;
  o->g = g;
  o->stack_lo = ud_rt_field(g, L->g_stack_lo);
  o->stack_hi = ud_rt_field(g, L->g_stack_hi);
  o->sched_sp = ud_rt_field(g, L->g_sched_sp);
  o->sched_pc = ud_rt_field(g, L->g_sched_pc);
  o->syscallsp = ud_rt_field(g, L->g_syscallsp);
  o->syscallpc = ud_rt_field(g, L->g_syscallpc);
  o->syscallbp = ud_rt_field_opt(g, L->g_syscallbp);
  o->status = ud_rd32(g + (uintptr_t)L->g_atomicstatus) & ~(uint32_t)UD_GSCAN;
  o->goid = (int64_t)ud_rt_field(g, L->g_goid);
}

static inline uintptr_t ud_rt_g_m(uintptr_t g) { return (uintptr_t)ud_rt_field(g, ud_rt_layout.g_m); }
static inline uintptr_t ud_rt_m_g0(uintptr_t m) { return (uintptr_t)ud_rt_field(m, ud_rt_layout.m_g0); }
static inline uintptr_t ud_rt_m_curg(uintptr_t m) { return (uintptr_t)ud_rt_field(m, ud_rt_layout.m_curg); }

static inline void ud_rt_g_stack(uintptr_t g, uint64_t *lo, uint64_t *hi) {
  *lo = ud_rt_field(g, ud_rt_layout.g_stack_lo);
  *hi = ud_rt_field(g, ud_rt_layout.g_stack_hi);
}

static inline bool ud_rt_has_syscallbp(void) { return ud_rt_layout.g_syscallbp >= 0; }

#endif
