/* longjmp: the interposers and the check (see longjmp.h). */
/* The shim defines these functions itself: with _FORTIFY_SOURCE (a
 * distribution's build flags) <setjmp.h> would rename longjmp, _longjmp
 * and siglongjmp to __longjmp_chk, so it is not included here. */
#undef _FORTIFY_SOURCE
#include <stddef.h>
#include <stdint.h>

#include "gate_table.h"
#include "longjmp.h"
#include "longjmp_next.h" /* ud_jump_resolve: before start-up only */
#include "report_emit.h"
#include "rt.h"

_Static_assert(offsetof(ud_callbacks_open, at) == UD_CALLBACKS_OPEN_AT, "trampoline.S reads it");
_Static_assert(sizeof(ud_callback_open) == 1 << UD_CALLBACK_RECORD_SHIFT, "trampoline.S reads it");
_Static_assert(offsetof(ud_callback_open, csp) == 16, "trampoline.S reads it");

__thread ud_callbacks_open ud_callbacks_open_tls __attribute__((tls_model("initial-exec")));

ud_jump_fn ud_jump_next[UD_JUMP_COUNT];
bool ud_longjmp_armed;

/* Reported once per process: the program is stopped, or goes on to the
 * runtime's own throw (halt_on_error=0). */
static void report(const ud_rt *rt, uintptr_t g, uintptr_t m, uint64_t csp, uint64_t hi,
                   const void *env, uint64_t target) {
  static uint8_t reported;
  if (__atomic_exchange_n(&reported, 1, __ATOMIC_RELAXED) != 0)
    return;
  const ud_layout *L = &rt->layout;
  ud_gview v;
  ud_read_g(L, g, &v);
  int32_t ncgo = ud_m_ncgo(L, m);
  /* The C code that jumps runs in the goroutine's innermost cgo call: its
   * gate is parked at X, the frames walked from there are the callback's
   * and those it would abandon. */
  uint64_t xpc = ud_field(g, L->g_syscallpc), xsp = ud_field(g, L->g_syscallsp);
  const ud_gate_entry *gi = xpc != 0 ? ud_gate_by_x(&rt->gates, xpc) : NULL;
  ud_violation viol = {
      .kind = UD_KIND_LONGJMP_OVER_CALLBACK, .trigger = UD_TRIGGER_LONGJMP, .gate = gi,
      .gate_depth = gi != NULL ? ncgo : 0, .frame_sp = xsp, .goid = v.goid, .slot = SIZE_MAX,
      .g_field = "jmp_buf SP", .value = target, .points_to = UD_REGION_ABOVE_CALLBACK,
      .old_lo = csp, .old_hi = hi, .new_lo = v.stack_lo, .new_hi = v.stack_hi,
      .walk_pc = xpc, .walk_sp = xsp, .walk_lo = v.stack_lo, .walk_hi = v.stack_hi,
      .walk_pc_is_ret = true, .jmp_buf_at = (uint64_t)(uintptr_t)env, .jmp_pc = ud_jmp_buf_pc(env),
  };
  ud_emit(rt->opt, rt, &viol);
}

/* The innermost callback open on this thread, if it is still open: the C
 * stack pointer it came from is what the runtime holds now for its M
 * (a callback a panic unwound has had it put back). */
static void check_jump(const void *env) {
  ud_callbacks_open *c = &ud_callbacks_open_tls;
  uint64_t depth = c->depth;
  if (depth == 0 || !__atomic_load_n(&ud_longjmp_armed, __ATOMIC_RELAXED))
    return;
  const ud_callback_open *top = &c->at[(depth < UD_CALLBACKS_OPEN_MAX ? depth : UD_CALLBACKS_OPEN_MAX) - 1];
  const ud_rt *rt = (const ud_rt *)top->rt;
  if (rt == NULL)
    return;
  const ud_layout *L = &rt->layout;
  uintptr_t m = (uintptr_t)ud_field(top->g, L->g_m);
  uintptr_t g0 = m != 0 ? (uintptr_t)ud_field(m, L->m_g0) : 0;
  if (g0 == 0)
    return;
  uint64_t csp = ud_field(g0, L->g_sched_sp);
  if (csp != top->csp || csp == 0)
    return;
  uint64_t hi = ud_field(g0, L->g_stack_hi);
  uint64_t target = ud_jmp_buf_sp(env);
  /* Above the C stack pointer the callback came from, on the same system
   * stack: the C frames that called back, which the jump returns into. */
  if (target > csp && target <= hi)
    report(rt, top->g, m, csp, hi, env, target);
}

/* The interposers: the check, then the next definition. One called before
 * the shim's constructor (by another library's) finds it first. */
static ud_jump_fn next(enum ud_jump which) {
  ud_jump_fn fn = __atomic_load_n(&ud_jump_next[which], __ATOMIC_ACQUIRE);
  return fn != NULL ? fn : ud_jump_resolve(which);
}

#define UD_JUMP(name, which)                                                                       \
  __attribute__((visibility("default"), noreturn)) void name(struct __jmp_buf_tag *env, int val) { \
    check_jump(env);                                                                               \
    next(which)(env, val);                                                                         \
    __builtin_unreachable();                                                                       \
  }
extern void __longjmp_chk(struct __jmp_buf_tag *env, int val) __attribute__((noreturn));
UD_JUMP(longjmp, UD_JUMP_LONGJMP)
UD_JUMP(_longjmp, UD_JUMP__LONGJMP)
UD_JUMP(siglongjmp, UD_JUMP_SIGLONGJMP)
UD_JUMP(__longjmp_chk, UD_JUMP___LONGJMP_CHK)
