/* verify: the relocation check (copystack) and the callback-return check. */
#include "verify.h"

#include <stdbool.h>
#include <string.h>

#include "counts.h"
#include "gostack.h"
#include "history.h"
#include "parked.h"
#include "quarantine.h"
#include "report_emit.h"

enum { MAX_FRAMES = UD_GATE_MAX * 4 };

/* A gate frame found on a goroutine's stack. */
typedef struct gate_frame {
  const ud_gate_entry *gi;
  uint64_t sp;     /* the frame's SP */
  bool at_x;       /* the innermost gate at callback return: parked at X */
  bool confirmed;  /* seen by the frame walk */
} gate_frame;

typedef struct frames {
  gate_frame f[MAX_FRAMES];
  size_t n;
  /* the walk that confirms them, done at most once and only when a slot
   * looks stale (a walk costs about what the copy does) */
  uint64_t walk_pc, walk_sp, lo, hi;
  bool walked;
  enum ud_walk_end end;
} frames;

static bool in_range(uint64_t v, uint64_t lo, uint64_t hi) { return v >= lo && v < hi; }

/* The candidate gate frames parked at Y in [from, hi), outermost first
 * (parked.h): all of them, not only as many as the open cgo calls, so that
 * a stale pair cannot take a real gate's place (settle() sorts them). */
static void find_parked(const ud_rt *rt, uint64_t from, uint64_t lo, uint64_t hi, frames *fr) {
  ud_parked c[MAX_FRAMES];
  size_t n = ud_find_parked(&rt->gates, from, lo, hi, c, MAX_FRAMES - fr->n);
  for (size_t i = 0; i < n; i++)
    fr->f[fr->n++] = (gate_frame){.gi = c[i].gi, .sp = c[i].sp};
}

static bool confirm_frame(void *p, const ud_goframe *f) {
  frames *fr = p;
  for (size_t k = 0; k < fr->n; k++) {
    gate_frame *g = &fr->f[k];
    if (f->sp == g->sp && (f->pc == g->gi->y_pc || (g->at_x && f->index == 0 && f->pc == g->gi->x_pc)))
      g->confirmed = true;
  }
  return true;
}

/* Whether gate frame k is really on the stack. A walk that got lost proves
 * nothing: the frame then stands if its return address Y is still in
 * place below it. */
static bool confirmed(const ud_rt *rt, frames *fr, size_t k) {
  if (!fr->walked) {
    fr->walked = true;
    fr->end = ud_gostack_walk(rt->tab, rt->bias, fr->walk_pc, fr->walk_sp, fr->lo, fr->hi, confirm_frame, fr);
  }
  const gate_frame *g = &fr->f[k];
  return g->confirmed ||
         (fr->end != UD_WALK_TOP && !g->at_x && g->sp - 8 >= fr->lo && ud_rd64(g->sp - 8) == g->gi->y_pc);
}

/* With more parked candidates than open cgo calls (want), some are stale
 * copies of a gate's words in dead slots: walk the frames now and keep
 * only those the walk saw (and the gate at X), so that every real gate is
 * checked and no stale pair is. A walk that got lost keeps them all, as
 * confirmed() does. */
static void settle(const ud_rt *rt, frames *fr, int32_t want) {
  size_t parked = 0;
  for (size_t k = 0; k < fr->n; k++)
    parked += !fr->f[k].at_x;
  if (want < 0 || parked <= (size_t)want || fr->n == 0)
    return;
  (void)confirmed(rt, fr, 0); /* the walk */
  if (fr->end != UD_WALK_TOP)
    return;
  size_t keep = 0;
  for (size_t k = 0; k < fr->n; k++)
    if (fr->f[k].confirmed || fr->f[k].at_x)
      fr->f[keep++] = fr->f[k];
  fr->n = keep;
}

/* The gates a previous move of this callback found (history.h's memo),
 * if every one is still in place on the stack [lo, hi): its Y, and the
 * park pc below it. */
static bool recall_gates(const ud_rt *rt, const ud_gate_memo *m, int32_t ncgo, uint64_t lo,
                         uint64_t hi, frames *fr) {
  uint64_t below = (uint64_t)rt->gates.park_spdelta + 8;
  if (m->ncgo != ncgo || m->n != (size_t)ncgo || m->n > MAX_FRAMES)
    return false;
  for (size_t k = 0; k < m->n; k++) {
    const ud_gate_entry *gi = m->gate[k];
    uint64_t sp = hi - m->depth[k];
    if (sp - 8 - below < lo || sp > hi || ud_rd64(sp - 8) != gi->y_pc ||
        ud_rd64(sp - 8 - below) != rt->gates.park_pc)
      return false;
    fr->f[k] = (gate_frame){.gi = gi, .sp = sp};
  }
  fr->n = m->n;
  return true;
}

/* Remembers the gates found, when they are exactly the open cgo calls (so
 * no stale pair is among them). */
static void remember_gates(const ud_rt *rt, uintptr_t gp, int64_t goid, int32_t ncgo, uint64_t hi,
                           const frames *fr) {
  if (fr->n != (size_t)ncgo || fr->n > UD_HISTORY_GATES)
    return;
  ud_gate_memo m = {.ncgo = ncgo, .n = fr->n};
  for (size_t k = 0; k < fr->n; k++)
    m.gate[k] = fr->f[k].gi, m.depth[k] = hi - fr->f[k].sp;
  ud_history_set_gates(rt, gp, goid, &m);
}

/* Where v points among the stacks g left (not overlapping the current
 * one, which may reuse an old range); UD_REGION_NONE if none. */
static enum ud_region stale_target(const ud_ranges *h, uint64_t v, uint64_t cur_lo,
                                   uint64_t cur_hi, uint64_t *lo, uint64_t *hi) {
  if (v == 0 || in_range(v, cur_lo, cur_hi))
    return UD_REGION_NONE;
  for (size_t i = h->n; i-- > 0;) {
    if (h->lo[i] < cur_hi && cur_lo < h->hi[i])
      continue;
    if (in_range(v, h->lo[i], h->hi[i])) {
      *lo = h->lo[i];
      *hi = h->hi[i];
      return UD_REGION_EARLIER_STACK;
    }
  }
  return UD_REGION_NONE;
}

/* The frame-pointer chain from bp (a frame pointer: g.sched.bp, or a
 * frame's BP register), followed up the current stack [lo, hi) as the
 * runtime's frame-pointer unwinders (the execution tracer's
 * fpTracebackPCs) do. True when a link leaves the current stack for one of
 * the stacks the goroutine left (h): *at is where the link was read (0:
 * bp itself), *val the link, [*slo, *shi) the stack it points into. A
 * chain that leaves for anywhere else (0, the system stack of cgocallback's
 * caller) ends there: only a stack the goroutine left proves a stale
 * link. */
static bool stale_frame_pointer(uint64_t bp, uint64_t lo, uint64_t hi, const ud_ranges *h,
                                uint64_t *at, uint64_t *val, uint64_t *slo, uint64_t *shi) {
  *at = 0;
  for (int n = 0; n < 100000; n++) {
    if (bp == 0)
      return false;
    if (!in_range(bp, lo, hi)) {
      if (stale_target(h, bp, lo, hi, slo, shi) == UD_REGION_NONE)
        return false;
      *val = bp;
      return true;
    }
    if ((bp & 7) != 0 || bp + 8 > hi)
      return false;
    uint64_t next = ud_rd64(bp);
    if (in_range(next, lo, hi) && next <= bp)
      return false; /* not a chain going up: no frame pointer here */
    *at = bp;
    bp = next;
  }
  return false;
}

/* A stale link in the frame-pointer chain (shape 7 of the class: copystack
 * left g.sched.bp, and so the BP register the goroutine resumes with,
 * pointing into the stack it left; the frames made since saved it).
 * Reported once per gate. */
static void report_frame_pointer(const ud_rt *rt, const ud_gate_entry *gi, int32_t depth,
                                 const ud_gview *v, enum ud_trigger trigger, const char *from,
                                 uint64_t at, uint64_t val, uint64_t slo, uint64_t shi,
                                 uint64_t newsize, uint64_t pc, uint64_t sp, bool pc_is_ret) {
  if (gi == NULL || !ud_gate_claim(gi, UD_GATE_KEY_FRAME_POINTER))
    return;
  ud_violation viol = {
      .kind = UD_KIND_STALE_FRAME_POINTER, .trigger = trigger, .gate = gi, .gate_depth = depth,
      .frame_sp = sp, .goid = v->goid, .slot = SIZE_MAX, .g_field = from, .value = val,
      .fp_slot = at, .points_to = UD_REGION_EARLIER_STACK, .stale_lo = slo, .stale_hi = shi,
      .old_lo = slo, .old_hi = shi, .new_lo = v->stack_lo, .new_hi = v->stack_hi, .newsize = newsize,
      .walk_pc = pc, .walk_sp = sp, .walk_lo = v->stack_lo, .walk_hi = v->stack_hi,
      .walk_pc_is_ret = pc_is_ret,
  };
  ud_emit(rt->opt, rt, &viol);
}

static bool is_growth(const ud_rt *rt, uint64_t ret) {
  for (size_t i = 0; i < rt->sites.growth.n; i++)
    if (rt->sites.growth.call[i] + 5 + rt->bias == ret)
      return true;
  return false;
}

/* A move of the stack of a goroutine in a system call or C call
 * (g.syscallsp set: entersyscall ran and no exitsyscall since, so no
 * callback runs on it). Reported once per gate, before the copy: the
 * runtime's shrinkstack and isShrinkStackSafe refuse such a goroutine, and
 * copystack throws later, without saying who moved it (shape 6 of the
 * class: Go issue 10976). */
static void report_move_in_syscall(const ud_rt *rt, uintptr_t gp, uint64_t ssp, uintptr_t newsize,
                                   uintptr_t ret) {
  static uint8_t reported_no_gate;
  const ud_layout *L = &rt->layout;
  ud_gview v;
  ud_read_g(L, gp, &v);
  uint64_t spc = ud_field(gp, L->g_syscallpc);
  const ud_gate_entry *gi = ud_gate_by_x(&rt->gates, spc);
  if (gi != NULL ? !ud_gate_claim(gi, UD_GATE_KEY_MOVE_IN_SYSCALL)
                 : __atomic_exchange_n(&reported_no_gate, 1, __ATOMIC_RELAXED) != 0)
    return;
  uintptr_t m = ud_g_cgo_m(L, gp);
  int32_t ncgo = m != 0 ? ud_m_ncgo(L, m) : 0;
  bool inside = ssp > v.stack_lo && ssp <= v.stack_hi;
  ud_violation viol = {
      .kind = UD_KIND_MOVE_IN_SYSCALL, .trigger = is_growth(rt, ret) ? UD_TRIGGER_STACK_GROWTH : UD_TRIGGER_STACK_SHRINK,
      .gate = gi, .gate_depth = ncgo > 0 ? ncgo : 0, .frame_sp = ssp, .goid = v.goid, .slot = SIZE_MAX,
      .g_field = "syscallsp", .value = ssp,
      .points_to = inside ? UD_REGION_OLD_STACK : UD_REGION_OUTSIDE_STACK,
      .stale_lo = v.stack_lo, .stale_hi = v.stack_hi, .old_lo = v.stack_lo, .old_hi = v.stack_hi,
      .newsize = newsize, .mover_pc = ret, .syscall_pc = spc,
      /* the goroutine's frames from where it entered the system call */
      .walk_pc = spc, .walk_sp = ssp, .walk_lo = v.stack_lo, .walk_hi = v.stack_hi,
      .walk_pc_is_ret = true,
  };
  ud_emit(rt->opt, rt, &viol);
}

/* Shape A of the class (Go issues 10303, 11089): an open cgo call passed C
 * an address in the goroutine's stack (a uintptr of &x: a pointer argument
 * makes x escape to the heap), and a callback moved that stack. The call's
 * argument block is the argument area of the gate's caller, the cgo
 * wrapper _Cfunc_F (//go:cgo_unsafe_args: its arguments and results in
 * memory, the block C's wrapper reads them from and writes the results
 * to): a word there that points into the stack left is an address C holds
 * that the copy did not adjust. Checked at the move, before the copy (h
 * NULL: into the stack being left, [v->stack_lo, v->stack_hi)), and when
 * the callback returns (into one of the stacks h it left), for the moves
 * the first did not check. Each gate once. */
static void check_c_arguments(const ud_rt *rt, frames *fr, const ud_gview *v, const ud_ranges *h,
                              enum ud_trigger trigger, uint64_t newsize) {
  uint64_t lo = v->stack_lo, hi = v->stack_hi;
  for (size_t k = 0; k < fr->n; k++) {
    const ud_gate_entry *gi = fr->f[k].gi;
    uint64_t csp = fr->f[k].sp + (uint64_t)(int64_t)gi->frame_size + 8; /* the caller's SP */
    if (csp < lo || csp > hi)
      continue;
    uint64_t ret = ud_rd64(csp - 8);
    ud_func fn;
    int32_t delta, args;
    if (ret < rt->bias || !ud_pclntab_find_func(rt->tab, ret - rt->bias, &fn) ||
        !ud_func_spdelta(&fn, ret - rt->bias, &delta) || delta < 0 ||
        (args = ud_func_args(&fn)) <= 0 || args > 1024 || strstr(ud_func_name(&fn), "._Cfunc_") == NULL)
      continue; /* not a cgo wrapper: its argument area is register spill space, not a block */
    uint64_t block = csp + (uint64_t)delta + 8; /* the caller's argument area */
    for (uint64_t at = block; at + 8 <= block + (uint64_t)args && at + 8 <= hi; at += 8) {
      uint64_t val = ud_rd64(at), slo = lo, shi = hi;
      enum ud_region to = h == NULL ? (in_range(val, lo, hi) ? UD_REGION_OLD_STACK : UD_REGION_NONE)
                                    : stale_target(h, val, lo, hi, &slo, &shi);
      if (to == UD_REGION_NONE || !confirmed(rt, fr, k) || !ud_gate_claim(gi, UD_GATE_KEY_C_ARGUMENT))
        continue;
      ud_violation viol = {
          .kind = UD_KIND_LEFT_STACK_ARGUMENT, .trigger = trigger, .gate = gi,
          .gate_depth = (int32_t)k + 1, .frame_sp = fr->f[k].sp, .goid = v->goid, .slot = SIZE_MAX,
          .g_field = ud_func_name(&fn), .c_arg_off = (int32_t)(at - block), .c_arg_at = at,
          .value = val, .points_to = to, .stale_lo = slo, .stale_hi = shi, .old_lo = slo,
          .old_hi = shi, .new_lo = h != NULL ? lo : 0, .new_hi = h != NULL ? hi : 0,
          .newsize = newsize, .walk_pc = fr->walk_pc, .walk_sp = fr->walk_sp, .walk_lo = lo,
          .walk_hi = hi, .walk_pc_is_ret = h != NULL,
      };
      ud_emit(rt->opt, rt, &viol);
      break;
    }
  }
}

void ud_on_copystack(ud_rt *rt, uintptr_t gp, uintptr_t newsize, uintptr_t ret) {
  const ud_layout *L = &rt->layout;
  uint64_t ssp = ud_field(gp, L->g_syscallsp);
  if (ssp != 0)
    report_move_in_syscall(rt, gp, ssp, newsize, ret);
  uintptr_t m = ud_g_cgo_m(L, gp);
  int32_t ncgo = m != 0 ? ud_m_ncgo(L, m) : 0;
  if (ncgo <= 0)
    return; /* no gate open: nothing the GC could trace at X */
  ud_gview v;
  ud_read_g(L, gp, &v);
  uint64_t lo = v.stack_lo, hi = v.stack_hi;
  bool growth = is_growth(rt, ret);
  UD_COUNT(relocations, 1);
  if (growth && newsize == hi - lo)
    UD_COUNT(forced_moves, 1);
  ud_ranges h;
  bool moved_before = ud_history_copy(rt, gp, v.goid, &h);
  ud_history_add(rt, gp, v.goid, lo, hi);
  frames fr = {.walk_pc = v.sched_pc, .walk_sp = v.sched_sp, .lo = lo, .hi = hi};
  /* The second and later moves of a callback find its gates where the
   * first left them: no scan of the stack (its cost grows with the stack,
   * like the copy's). */
  if (!(moved_before && recall_gates(rt, &h.gates, ncgo, lo, hi, &fr))) {
    find_parked(rt, v.sched_sp, lo, hi, &fr);
    settle(rt, &fr, ncgo);
    remember_gates(rt, gp, v.goid, ncgo, hi, &fr);
  }
  UD_COUNT(gate_frames, fr.n);
  if (rt->quarantine)
    ud_quarantine_arm(rt, &v, newsize, growth, fr.n > 0 ? fr.f[fr.n - 1].gi : NULL);
  if (!rt->opt->check_relocations)
    return; /* the move is only recorded, for the check at callback return */
  /* the chain the goroutine resumes with after this copy, which the
   * previous move (of the same callback) may have left stale */
  uint64_t fp_at, fp_val, fp_lo, fp_hi;
  if (moved_before &&
      stale_frame_pointer(ud_field(gp, L->g_sched_bp), lo, hi, &h, &fp_at, &fp_val, &fp_lo, &fp_hi))
    report_frame_pointer(rt, fr.n > 0 ? fr.f[fr.n - 1].gi : (rt->gates.n > 0 ? &rt->gates.gates[0] : NULL),
                         ncgo, &v, growth ? UD_TRIGGER_STACK_GROWTH : UD_TRIGGER_STACK_SHRINK,
                         "sched.bp", fp_at, fp_val, fp_lo, fp_hi, newsize, v.sched_pc, v.sched_sp, false);
  for (size_t k = 0; k < fr.n; k++) {
    const ud_gate_entry *gi = fr.f[k].gi;
    for (size_t j = 0; j < gi->nslots; j++) {
      if (gi->slots[j].live_at_y)
        continue; /* the copier adjusts it */
      uint64_t addr = fr.f[k].sp + (uint64_t)(int64_t)gi->slots[j].sp_off;
      if (addr < lo || addr + 8 > hi)
        continue;
      uint64_t val = ud_rd64(addr);
      if (!in_range(val, lo, hi) || !confirmed(rt, &fr, k) || !ud_gate_claim(gi, j))
        continue;
      ud_violation viol = {
          .kind = UD_KIND_UNDEAD_POINTER, .trigger = growth ? UD_TRIGGER_STACK_GROWTH : UD_TRIGGER_STACK_SHRINK,
          .gate = gi, .gate_depth = (int32_t)k + 1, .frame_sp = fr.f[k].sp, .goid = v.goid,
          .slot = j, .value = val, .points_to = UD_REGION_OLD_STACK, .stale_lo = lo, .stale_hi = hi,
          .old_lo = lo, .old_hi = hi, .newsize = newsize,
          .walk_pc = v.sched_pc, .walk_sp = v.sched_sp, .walk_lo = lo, .walk_hi = hi,
      };
      ud_emit(rt->opt, rt, &viol);
    }
  }
  check_c_arguments(rt, &fr, &v, NULL, growth ? UD_TRIGGER_STACK_GROWTH : UD_TRIGGER_STACK_SHRINK,
                    newsize);
}

/* A g.syscall* word about to be restored that lies outside the stack. */
static void report_syscall_word(const ud_rt *rt, const ud_gate_entry *gi, int32_t depth,
                                const ud_gview *v, const ud_ranges *h, enum ud_kind kind,
                                const char *field, uint64_t value, uint64_t pc, uint64_t sp) {
  ud_violation viol = {
      .kind = kind, .trigger = UD_TRIGGER_CALLBACK_RETURN, .gate = gi, .gate_depth = depth,
      .frame_sp = sp, .goid = v->goid, .slot = SIZE_MAX, .g_field = field, .value = value,
      .points_to = UD_REGION_OUTSIDE_STACK, .new_lo = v->stack_lo, .new_hi = v->stack_hi,
      .walk_pc = pc, .walk_sp = sp, .walk_lo = v->stack_lo, .walk_hi = v->stack_hi,
      .walk_pc_is_ret = true,
  };
  uint64_t a, b;
  enum ud_region to = h != NULL ? stale_target(h, value, v->stack_lo, v->stack_hi, &a, &b) : UD_REGION_NONE;
  if (to != UD_REGION_NONE)
    viol.points_to = to, viol.stale_lo = a, viol.stale_hi = b, viol.old_lo = a, viol.old_hi = b;
  ud_emit(rt->opt, rt, &viol);
}

/* Where a goroutine resumed at SP resume finds asmcgocall's return address. */
static uint64_t resume_y(const ud_rt *rt, uint64_t resume) {
  return resume + (uint64_t)(int64_t)rt->sites.resume.ret_off;
}

/* Where the gate's call of asmcgocall left its return address Y, just
 * below the gate frame at sp on the current stack [lo, hi): where the
 * goroutine must resume. 0 if not found. */
static uint64_t resume_wanted(const ud_gate_entry *gi, uint64_t sp, uint64_t lo, uint64_t hi) {
  for (uint64_t a = sp - 8; a + 64 >= sp && a >= lo && a + 8 <= hi; a -= 8)
    if (ud_rd64(a) == gi->y_pc)
      return a;
  return 0;
}

/* Where asmcgocall will resume goroutine g when the C function the
 * innermost gate called returns (shape 5 of the class), computed as its
 * code does (the resume rule, sites.h). Its frame F on the system stack
 * hangs off cgocallback's frame at g0.sched.sp, whose 0(SP) holds the
 * g0.sched.sp asmcgocall started from (the runtime's unwindm relies on the
 * same word); F is taken only if it holds g, so a callback on a thread
 * that C made (no asmcgocall below it) is never judged. */
static bool resume_point(const ud_rt *rt, uintptr_t g, uint64_t hi, uint64_t *word_at,
                         uint64_t *word, uint64_t *resume) {
  const ud_layout *L = &rt->layout;
  const ud_resume_rule *R = &rt->sites.resume;
  uintptr_t m = (uintptr_t)ud_field(g, L->g_m);
  uintptr_t g0 = m != 0 ? (uintptr_t)ud_field(m, L->m_g0) : 0;
  if (g0 == 0 || rt->sites.resume_error[0] != 0)
    return false;
  uint64_t lo0 = ud_field(g0, L->g_stack_lo), hi0 = ud_field(g0, L->g_stack_hi);
  uint64_t cb = ud_field(g0, L->g_sched_sp);
  if (!in_range(cb, lo0, hi0) || cb + 8 > hi0 || (cb & 7) != 0)
    return false;
  uint64_t start = ud_rd64(cb);
  if (start <= cb || start > hi0)
    return false;
  uint64_t f = (start - (uint64_t)(int64_t)R->frame_sub) & (uint64_t)R->frame_and;
  uint64_t at = f + (uint64_t)(int64_t)R->word_disp, gat = f + (uint64_t)(int64_t)R->g_disp;
  if (f <= cb || at + 8 > hi0 || gat + 8 > hi0 || ud_rd64(gat) != g)
    return false;
  *word_at = at;
  *word = ud_rd64(at);
  *resume = R->depth ? hi - *word : *word;
  return true;
}

/* asmcgocall will resume the goroutine somewhere other than on its gate's
 * return address Y: the word it saved was not kept relative to the stack
 * that moved. */
static void report_resume_point(const ud_rt *rt, const ud_gate_entry *gi, int32_t depth,
                                const ud_gview *v, const ud_ranges *h, uint64_t at, uint64_t word,
                                uint64_t resume, uint64_t pc, uint64_t sp) {
  ud_violation viol = {
      .kind = UD_KIND_STALE_RESUME_POINT, .trigger = UD_TRIGGER_CALLBACK_RETURN, .gate = gi,
      .gate_depth = depth, .frame_sp = sp, .goid = v->goid, .slot = SIZE_MAX,
      .g_field = "asmcgocall's saved SP", .value = resume, .points_to = UD_REGION_OUTSIDE_STACK,
      .new_lo = v->stack_lo, .new_hi = v->stack_hi, .walk_pc = pc, .walk_sp = sp,
      .walk_lo = v->stack_lo, .walk_hi = v->stack_hi, .walk_pc_is_ret = true, .word_at = at,
      .word = word, .word_is_depth = rt->sites.resume.depth,
      .resume_want = resume_wanted(gi, sp, v->stack_lo, v->stack_hi),
  };
  uint64_t a, b;
  if (stale_target(h, resume, v->stack_lo, v->stack_hi, &a, &b) != UD_REGION_NONE)
    viol.points_to = UD_REGION_EARLIER_STACK, viol.stale_lo = a, viol.stale_hi = b, viol.old_lo = a,
    viol.old_hi = b;
  ud_emit(rt->opt, rt, &viol);
}

/* The C stack a callback came from (m.g0.sched.sp, saved by cgocallback)
 * must lie in the bounds the runtime keeps for the thread's system stack
 * (m.g0.stack), which its stack checks on g0 go by, when the callback
 * enters Go and when it returns to C: a callback from another C stack (a
 * coroutine, swapcontext) whose bounds the runtime did not update (Go
 * issue 62440), or an inner callback's bounds left in place when it
 * returned (68285), runs the runtime's g0 code against the wrong stack.
 * Reported once per process. */
static void check_system_stack(ud_rt *rt, uintptr_t g, enum ud_trigger when, uint64_t walk_pc,
                               uint64_t walk_sp) {
  static uint8_t reported;
  const ud_layout *L = &rt->layout;
  uintptr_t m = (uintptr_t)ud_field(g, L->g_m);
  uintptr_t g0 = m != 0 ? (uintptr_t)ud_field(m, L->m_g0) : 0;
  if (g0 == 0)
    return;
  uint64_t csp = ud_field(g0, L->g_sched_sp);
  uint64_t lo = ud_field(g0, L->g_stack_lo), hi = ud_field(g0, L->g_stack_hi);
  if ((csp > lo && csp <= hi) || __atomic_exchange_n(&reported, 1, __ATOMIC_RELAXED) != 0)
    return;
  ud_gview v;
  ud_read_g(L, g, &v);
  int32_t ncgo = ud_m_ncgo(L, m);
  /* A callback below an open cgo call (ncgo > 0) has a gate: the
   * goroutine's innermost, parked at X while C runs. */
  const ud_gate_entry *gi = NULL;
  uint64_t xpc = ncgo > 0 ? ud_field(g, L->g_syscallpc) : 0;
  if (xpc != 0)
    gi = ud_gate_by_x(&rt->gates, xpc);
  ud_violation viol = {
      .kind = UD_KIND_STALE_SYSTEM_STACK, .trigger = when, .gate = gi,
      .gate_depth = gi != NULL ? ncgo : 0, .frame_sp = csp, .goid = v.goid, .slot = SIZE_MAX,
      .g_field = "m.g0.sched.sp", .value = csp, .points_to = UD_REGION_OUTSIDE_SYSTEM_STACK,
      .old_lo = lo, .old_hi = hi, .new_lo = v.stack_lo, .new_hi = v.stack_hi,
      .walk_pc = walk_pc, .walk_sp = walk_sp, .walk_lo = v.stack_lo, .walk_hi = v.stack_hi,
      .walk_pc_is_ret = true,
  };
  ud_emit(rt->opt, rt, &viol);
}

void ud_on_callback_enter(ud_rt *rt, uintptr_t g, uint64_t ret, uint64_t sp) {
  check_system_stack(rt, g, UD_TRIGGER_CALLBACK_ENTRY, ret, sp);
}

void ud_on_callback_return(ud_rt *rt, uintptr_t g, uint64_t pc, uint64_t sp, uint64_t bp,
                           uint64_t rbp) {
  const ud_layout *L = &rt->layout;
  UD_COUNT(callbacks, 1);
  check_system_stack(rt, g, UD_TRIGGER_CALLBACK_RETURN, pc, sp);
  const ud_gate_entry *gi = ud_gate_by_x(&rt->gates, pc);
  if (gi == NULL)
    return; /* not returning into a gate (a C thread's callback) */
  UD_COUNT(gate_returns, 1);
  uint64_t lo = ud_field(g, L->g_stack_lo), hi = ud_field(g, L->g_stack_hi);
  /* the restored state must lie in the current stack */
  bool sp_ok = sp > lo && sp <= hi;
  bool bp_ok = L->g_syscallbp < 0 || bp == 0 || in_range(bp, lo, hi);
  if (sp_ok && bp_ok && !ud_history_any())
    return; /* the stack never moved during the callback */
  ud_gview v;
  ud_read_g(L, g, &v);
  uintptr_t m = ud_g_cgo_m(L, g);
  int32_t ncgo = m != 0 ? ud_m_ncgo(L, m) : 0; /* 0: no M in a cgo call */
  ud_ranges h;
  bool have = ncgo <= 1 ? ud_history_take(rt, g, v.goid, &h) : ud_history_copy(rt, g, v.goid, &h);
  if (have && ncgo > 1) /* one callback fewer: the gates remembered no longer hold */
    ud_history_set_gates(rt, g, v.goid, &(ud_gate_memo){0});
  int32_t depth = m != 0 ? ncgo : 1;
  if (!sp_ok && ud_gate_claim(gi, UD_GATE_KEY_SYSCALLSP)) {
    report_syscall_word(rt, gi, depth, &v, have ? &h : NULL, UD_KIND_STALE_SYSCALL_SP, "syscallsp", sp,
                        pc, sp);
    return; /* the frames cannot be found from a stale sp */
  }
  if (!bp_ok && ud_gate_claim(gi, UD_GATE_KEY_SYSCALLBP))
    report_syscall_word(rt, gi, depth, &v, have ? &h : NULL, UD_KIND_STALE_SYSCALL_BP, "syscallbp", bp,
                        pc, sp);
  if (!have || !sp_ok)
    return;
  /* cgocallbackg's own frame pointer, and the chain above it */
  uint64_t at, val, slo, shi;
  if (stale_frame_pointer(rbp, lo, hi, &h, &at, &val, &slo, &shi))
    report_frame_pointer(rt, gi, depth, &v, UD_TRIGGER_CALLBACK_RETURN, "BP", at, val, slo, shi, 0,
                         pc, sp, true);
  /* The gate resumes where asmcgocall was called from: just below its
   * frame at sp, where the call's return address Y is. */
  uint64_t w_at, w, resume;
  if (resume_point(rt, g, hi, &w_at, &w, &resume) &&
      !(in_range(resume, lo, hi) && resume_y(rt, resume) + 8 <= hi &&
        ud_rd64(resume_y(rt, resume)) == gi->y_pc) &&
      ud_gate_claim(gi, UD_GATE_KEY_RESUME_POINT))
    report_resume_point(rt, gi, depth, &v, &h, w_at, w, resume, pc, sp);
  /* The innermost gate is at X with its frame at sp; the outer ones are
   * parked at Y above it. */
  frames fr = {.walk_pc = pc, .walk_sp = sp, .lo = lo, .hi = hi};
  uint64_t above = sp + (uint64_t)gi->frame_size + 8;
  find_parked(rt, above, lo, hi, &fr);
  if (fr.n < MAX_FRAMES)
    fr.f[fr.n++] = (gate_frame){.gi = gi, .sp = sp, .at_x = true};
  settle(rt, &fr, m != 0 ? ncgo - 1 : -1);
  for (size_t k = 0; k < fr.n; k++) {
    const ud_gate_entry *fg = fr.f[k].gi;
    for (size_t j = 0; j < fg->nslots; j++) {
      uint64_t addr = fr.f[k].sp + (uint64_t)(int64_t)fg->slots[j].sp_off;
      if (addr < lo || addr + 8 > hi)
        continue;
      uint64_t val = ud_rd64(addr), slo, shi;
      enum ud_region to = stale_target(&h, val, lo, hi, &slo, &shi);
      if (to == UD_REGION_NONE || !confirmed(rt, &fr, k) || !ud_gate_claim(fg, j))
        continue;
      ud_violation viol = {
          .kind = UD_KIND_UNDEAD_POINTER, .trigger = UD_TRIGGER_CALLBACK_RETURN, .gate = fg,
          .gate_depth = (int32_t)k + 1, .frame_sp = fr.f[k].sp, .goid = v.goid, .slot = j,
          .value = val, .points_to = to, .stale_lo = slo, .stale_hi = shi, .old_lo = slo,
          .old_hi = shi, .new_lo = lo, .new_hi = hi, .walk_pc = pc, .walk_sp = sp, .walk_lo = lo,
          .walk_hi = hi, .walk_pc_is_ret = true,
      };
      ud_emit(rt->opt, rt, &viol);
    }
  }
  check_c_arguments(rt, &fr, &v, &h, UD_TRIGGER_CALLBACK_RETURN, 0);
}
