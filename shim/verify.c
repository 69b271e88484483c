/* verify: the relocation check (copystack) and the callback-return check. */
#include "verify.h"

#include <stdbool.h>
#include <string.h>

#include "gateinfo.h"
#include "gostack.h"
#include "hook.h"
#include "report_emit.h"
#include "runtime.h"
#include "shim.h"

/* Which snapshots of r have their gate frame on the stack being walked. */
typedef struct validate_ctx {
  const ud_grec *r;
  uint64_t hi;
  bool found[UD_MAX_NEST];
  bool allow_x0;   /* frame 0 may be the innermost gate at X (at release) */
} validate_ctx;

static bool validate_frame(void *p, const ud_goframe *f) {
  validate_ctx *c = p;
  for (uint32_t k = 0; k < c->r->depth; k++) {
    const ud_snapshot *s = &c->r->snaps[k];
    if (f->sp != c->hi - s->off)
      continue;
    if (f->pc == s->gi->y_pc || (c->allow_x0 && f->index == 0 && f->pc == s->gi->x_pc))
      c->found[k] = true;
  }
  return true;
}

/* Whether a snapshot's gate frame is really on the stack, decided only when
 * a slot looks stale (a walk costs about what the copy does): the frames are
 * walked once per check, lazily. A walk that got lost proves nothing: then
 * the snapshot stands if asmcgocall's return address (Y) still sits just
 * below its frame. A snapshot that fails is one the program left without a
 * release (a panic unwound its C frames); it is dropped, never reported. */
typedef struct frames_check {
  uint64_t pc, sp, lo, hi;
  bool walked;
  enum ud_walk_end end;
  validate_ctx c;
  bool stale[UD_MAX_NEST];
} frames_check;

static bool gate_on_stack(frames_check *fc, const ud_grec *r, uint32_t k) {
  if (!fc->walked) {
    fc->walked = true;
    fc->c.r = r;
    fc->c.hi = fc->hi;
    fc->end = ud_gostack_walk(ud_shim.tab, ud_shim.bias, fc->pc, fc->sp, fc->lo, fc->hi,
                              validate_frame, &fc->c);
  }
  if (fc->c.found[k])
    return true;
  uint64_t fsp = fc->hi - r->snaps[k].off;
  if (fc->end != UD_WALK_TOP && fsp - 8 >= fc->lo && fsp < fc->hi &&
      ud_rd64(fsp - 8) == r->snaps[k].gi->y_pc)
    return true;
  fc->stale[k] = true;
  return false;
}

/* Drops the snapshots found stale; false if none is left (the record is
 * idle). */
static bool drop_stale(ud_grec *r, const frames_check *fc) {
  for (uint32_t k = r->depth; k-- > 0;)
    if (fc->stale[k])
      ud_gtable_drop_snapshot(r, k);
  return r->depth > 0;
}

static bool in_range(uint64_t v, uint64_t lo, uint64_t hi) { return v >= lo && v < hi; }

typedef struct other_ctx {
  uintptr_t self;
  uint64_t v;
  uint64_t lo, hi;
  bool hit;
} other_ctx;

static bool other_stack(void *p, ud_grec *r) {
  other_ctx *c = p;
  if (r->g == c->self)
    return true;
  /* Read twice: the owner may be in the middle of its own stack copy. */
  uint64_t lo1, hi1, lo2, hi2;
  ud_rt_g_stack(r->g, &lo1, &hi1);
  ud_rt_g_stack(r->g, &lo2, &hi2);
  if (lo1 != lo2 || hi1 != hi2 || lo1 == 0)
    return true;
  if (in_range(c->v, lo1, hi1)) {
    c->hit = true;
    c->lo = lo1;
    c->hi = hi1;
    return false;
  }
  return true;
}

/* Where a stale value points, outside [cur_lo, cur_hi): an earlier stack of
 * r, or another goroutine's stack. Returns UD_REGION_NONE if neither. */
static enum ud_region stale_target(const ud_grec *r, uint64_t v, uint64_t cur_lo, uint64_t cur_hi,
                                bool others, uint64_t *lo, uint64_t *hi) {
  if (v == 0 || in_range(v, cur_lo, cur_hi))
    return UD_REGION_NONE;
  for (uint32_t i = r->nranges; i-- > 0;) {
    uint64_t a = r->range_lo[i], b = r->range_hi[i];
    if (a < cur_hi && cur_lo < b)
      continue; /* reused as the current stack: no longer distinguishable */
    if (in_range(v, a, b)) {
      *lo = a;
      *hi = b;
      return UD_REGION_EARLIER_STACK;
    }
  }
  if (others) {
    other_ctx c = {.self = r->g, .v = v};
    ud_gtable_each(other_stack, &c);
    if (c.hit) {
      *lo = c.lo;
      *hi = c.hi;
      return UD_REGION_OTHER_GOROUTINE_STACK;
    }
  }
  return UD_REGION_NONE;
}

static bool is_growth(uint64_t ret) {
  for (size_t i = 0; i < ud_shim.hooks.ngrowth; i++)
    if (ud_shim.hooks.growth_ret[i] == ret)
      return true;
  return false;
}

void ud_on_copystack(uintptr_t gp, uintptr_t newsize, uintptr_t ret) {
  if (ud_gtable_active() == 0)
    return;
  ud_gtable_lock();
  ud_grec *r = ud_gtable_find(gp);
  if (r == NULL || r->depth == 0) {
    ud_gtable_unlock();
    return;
  }
  ud_gview v;
  ud_rt_read_g(gp, &v);
  uint64_t lo = v.stack_lo, hi = v.stack_hi;
  frames_check fc = {.pc = v.sched_pc, .sp = v.sched_sp, .lo = lo, .hi = hi};
  /* With check_relocations=0 the move is only recorded (the old range, for
   * the check when the callback returns). */
  for (uint32_t k = 0; ud_shim.opt.check_relocations && k < r->depth; k++) {
    const ud_snapshot *s = &r->snaps[k];
    const ud_gate_info *gi = s->gi;
    uint64_t fsp = hi - s->off;
    for (size_t j = 0; j < gi->nslots; j++) {
      if (gi->slots[j].live_at_y)
        continue; /* the copier adjusts it */
      uint64_t addr = fsp + (uint64_t)(int64_t)gi->slots[j].sp_off;
      if (addr < lo || addr + 8 > hi)
        continue;
      uint64_t val = ud_rd64(addr);
      uint64_t slo = lo, shi = hi;
      enum ud_region to = in_range(val, lo, hi) ? UD_REGION_OLD_STACK
                                                : stale_target(r, val, lo, hi, true, &slo, &shi);
      if (to == UD_REGION_NONE)
        continue;
      if (!gate_on_stack(&fc, r, k))
        break;
      if (!ud_gateinfo_claim(gi, j))
        continue;
      ud_violation viol = {
          .kind = UD_KIND_UNDEAD_POINTER,
          .trigger = is_growth(ret) ? UD_TRIGGER_STACK_GROWTH : UD_TRIGGER_STACK_SHRINK,
          .gv = &v, .rec = r, .snap = k, .slot = j, .value = val, .points_to = to,
          .stale_lo = slo, .stale_hi = shi, .old_lo = lo, .old_hi = hi,
          .newsize = newsize, .walk_pc = v.sched_pc, .walk_sp = v.sched_sp,
      };
      ud_emit(&viol);
    }
  }
  if (drop_stale(r, &fc))
    ud_gtable_add_range(r, lo, hi);
  ud_gtable_unlock();
}

/* A g.syscall* word restored at callback return that is outside the
 * goroutine's current stack. */
static void report_stale_syscall_word(ud_gview *v, ud_grec *r, uint32_t k, enum ud_kind kind,
                                      const char *field, uint64_t value) {
  ud_violation viol = {
      .kind = kind, .trigger = UD_TRIGGER_CALLBACK_RETURN, .gv = v, .rec = r, .snap = k,
      .slot = SIZE_MAX, .g_field = field, .value = value, .points_to = UD_REGION_OUTSIDE_STACK,
      .old_lo = v->stack_lo, .old_hi = v->stack_hi, .walk_pc = v->syscallpc, .walk_sp = v->syscallsp,
  };
  uint64_t a, b;
  enum ud_region to = stale_target(r, value, v->stack_lo, v->stack_hi, false, &a, &b);
  if (to != UD_REGION_NONE)
    viol.points_to = to, viol.stale_lo = a, viol.stale_hi = b;
  ud_emit(&viol);
}

void ud_verify_release(ud_grec *r, uint32_t k) {
  ud_gview v;
  ud_rt_read_g(r->g, &v);
  uint64_t lo = v.stack_lo, hi = v.stack_hi;
  /* The syscall state reentersyscall restored must be in the current stack. */
  if (!in_range(v.syscallsp, lo, hi + 1) && ud_gateinfo_claim(r->snaps[k].gi, UD_GATE_KEY_SYSCALLSP)) {
    report_stale_syscall_word(&v, r, k, UD_KIND_STALE_SYSCALL_SP, "syscallsp", v.syscallsp);
    return; /* the frames cannot be walked from a stale sp */
  }
  if (ud_rt_has_syscallbp() && v.syscallbp != 0 && !in_range(v.syscallbp, lo, hi) &&
      ud_gateinfo_claim(r->snaps[k].gi, UD_GATE_KEY_SYSCALLBP)) {
    report_stale_syscall_word(&v, r, k, UD_KIND_STALE_SYSCALL_BP, "syscallbp", v.syscallbp);
  }
  /* Nothing can be stale unless the stack moved while the gates were open. */
  bool moved = false;
  for (uint32_t i = 0; i < r->nranges; i++)
    if (r->range_lo[i] != lo || r->range_hi[i] != hi)
      moved = true;
  if (!moved)
    return;
  frames_check fc = {.pc = v.syscallpc, .sp = v.syscallsp, .lo = lo, .hi = hi};
  fc.c.allow_x0 = true;
  for (uint32_t i = 0; i < r->depth; i++) {
    const ud_snapshot *s = &r->snaps[i];
    const ud_gate_info *gi = s->gi;
    uint64_t fsp = hi - s->off;
    for (size_t j = 0; j < gi->nslots; j++) {
      uint64_t addr = fsp + (uint64_t)(int64_t)gi->slots[j].sp_off;
      if (addr < lo || addr + 8 > hi)
        continue;
      uint64_t val = ud_rd64(addr), slo, shi;
      enum ud_region to = stale_target(r, val, lo, hi, false, &slo, &shi);
      if (to == UD_REGION_NONE)
        continue;
      if (!gate_on_stack(&fc, r, i))
        break;
      if (!ud_gateinfo_claim(gi, j))
        continue;
      ud_violation viol = {
          .kind = UD_KIND_UNDEAD_POINTER, .trigger = UD_TRIGGER_CALLBACK_RETURN, .gv = &v, .rec = r, .snap = i,
          .slot = j, .value = val, .points_to = to, .stale_lo = slo, .stale_hi = shi,
          .old_lo = slo, .old_hi = shi, .new_lo = lo, .new_hi = hi,
          .walk_pc = v.syscallpc, .walk_sp = v.syscallsp,
      };
      ud_emit(&viol);
    }
  }
  drop_stale(r, &fc);
}
