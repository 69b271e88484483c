/* runtime: TLS g and field reads. */
#include "runtime.h"

static ud_layout L;

void ud_rt_init(const ud_layout *layout) { L = *layout; }

uintptr_t ud_rt_tls_g(void) {
  uintptr_t tp;
  /* %fs:0 holds the thread pointer itself (the TCB's self pointer on x86-64
   * glibc); the executable's TLS block, and g in it, sits below it. */
  __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
  return (uintptr_t)ud_rd64(tp + (uintptr_t)L.tls_g_offset);
}

static uint64_t f64(uintptr_t base, int32_t off) { return off < 0 ? 0 : ud_rd64(base + (uintptr_t)off); }

void ud_rt_read_g(uintptr_t g, ud_gview *o) {
  o->g = g;
  o->stack_lo = f64(g, L.g_stack_lo);
  o->stack_hi = f64(g, L.g_stack_hi);
  o->sched_sp = f64(g, L.g_sched_sp);
  o->sched_pc = f64(g, L.g_sched_pc);
  o->sched_bp = f64(g, L.g_sched_bp);
  o->syscallsp = f64(g, L.g_syscallsp);
  o->syscallpc = f64(g, L.g_syscallpc);
  o->syscallbp = f64(g, L.g_syscallbp);
  o->status = ud_rd32(g + (uintptr_t)L.g_atomicstatus) & ~(uint32_t)UD_GSCAN;
  o->goid = (int64_t)f64(g, L.g_goid);
}

uintptr_t ud_rt_g_m(uintptr_t g) { return (uintptr_t)f64(g, L.g_m); }
uintptr_t ud_rt_m_g0(uintptr_t m) { return (uintptr_t)f64(m, L.m_g0); }
uintptr_t ud_rt_m_curg(uintptr_t m) { return (uintptr_t)f64(m, L.m_curg); }

void ud_rt_g_stack(uintptr_t g, uint64_t *lo, uint64_t *hi) {
  *lo = f64(g, L.g_stack_lo);
  *hi = f64(g, L.g_stack_hi);
}

bool ud_rt_has_syscallbp(void) { return L.g_syscallbp >= 0; }
