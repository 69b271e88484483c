/* gate: callback entry and exit through the cgo context function. */
#include "gate.h"

#include <stdio.h>
#include <string.h>

#include "cgoctx.h"
#include "gateinfo.h"
#include "gtable.h"
#include "log.h"
#include "runtime.h"
#include "shim.h"
#include "verify.h"

enum { TMAX = 64 };

/* One callback on this thread: what we returned as its Context, what the
 * program's own context function returned, the goroutine whose gate it
 * entered (0: none) and the C stack address of the entry (a later entry at
 * or above it means this callback's C frames are gone: a Go panic unwound
 * them). */
typedef struct tframe {
  uint64_t ret;
  uint64_t user_val;
  uintptr_t g;
  uintptr_t csp;
  ud_grec *rec; /* g's record: it stays in the table while it holds our snapshot */
} tframe;

static __thread __attribute__((tls_model("initial-exec"))) struct {
  uint32_t depth;
  uint32_t overflow; /* callbacks beyond TMAX whose user value is nonzero */
  ud_grec *last;     /* the record of this thread's latest gate */
  uintptr_t g0, m;   /* this thread's g0 and its M, once checked */
  tframe f[TMAX];
} ts;

/* runtime/cgo's argument of x_cgo_set_traceback_functions (libcgo.h). */
typedef struct traceback_fns {
  void *traceback, *context, *symbolizer;
} traceback_fns;

static ud_context_fn user_context;
static void (*real_set_traceback)(void *);
static int said_inconsistent;

/* Replacements for the runtime's setters, written into the Go variables
 * _cgo_set_context_function / _cgo_set_traceback_functions so that
 * runtime.SetCgoTraceback reaches us.
 * Go 1.19 shape: the argument is the function. */
static void ud_gate_set_context_wrapper(void *fn) {
  __atomic_store_n(&user_context, (ud_context_fn)fn, __ATOMIC_RELEASE);
}

/* Current Go shape: {Traceback, Context, Symbolizer}. The runtime keeps our
 * context function; theirs is chained. */
static void ud_gate_set_traceback_wrapper(void *argp) {
  const traceback_fns *arg = argp;
  __atomic_store_n(&user_context, (ud_context_fn)arg->context, __ATOMIC_RELEASE);
  traceback_fns mine = {arg->traceback, (void *)ud_gate_context, arg->symbolizer};
  if (real_set_traceback != NULL)
    real_set_traceback(&mine);
}

/* Points the Go variable holding the runtime's setter at our wrapper, after
 * checking it holds that setter. */
static bool redirect_setter(uint64_t var, uint64_t setter, void *wrapper, uint64_t bias,
                            char *why, size_t cap) {
  if (var == 0)
    return true; /* SetCgoTraceback not linked: nothing can replace ours */
  uint64_t *slot = (uint64_t *)(uintptr_t)(var + bias);
  if (*slot != setter + bias) {
    snprintf(why, cap, "the SetCgoTraceback setter variable does not hold the runtime's setter");
    return false;
  }
  *slot = (uint64_t)(uintptr_t)wrapper;
  return true;
}

bool ud_gate_install(const ud_cgo_context *c, uint64_t bias, char *why, size_t cap) {
  if (c->set_context != 0) { /* Go 1.19 shape */
    if (!redirect_setter(c->setter_var, c->set_context, (void *)ud_gate_set_context_wrapper, bias, why, cap))
      return false;
    ((void (*)(void *))(uintptr_t)(c->set_context + bias))((void *)ud_gate_context);
    return true;
  }
  if (c->set_traceback != 0) {
    real_set_traceback = (void (*)(void *))(uintptr_t)(c->set_traceback + bias);
    if (!redirect_setter(c->setter_var, c->set_traceback, (void *)ud_gate_set_traceback_wrapper, bias,
                         why, cap))
      return false;
    traceback_fns arg = {NULL, (void *)ud_gate_context, NULL};
    real_set_traceback(&arg);
    return true;
  }
  /* Only the static is known: SetCgoTraceback is not linked, so nothing
   * else ever writes it, and before the runtime starts it is still nil. */
  uintptr_t *fn = (uintptr_t *)(uintptr_t)(c->slot + bias);
  if (c->slot == 0 || __atomic_load_n(fn, __ATOMIC_ACQUIRE) != 0) {
    snprintf(why, cap, "the cgo context function is already set");
    return false;
  }
  __atomic_store_n(fn, (uintptr_t)ud_gate_context, __ATOMIC_RELEASE);
  return true;
}

/* The record of a frame's goroutine, with the lock held; NULL if gone. */
static ud_grec *frame_record(const tframe *f) {
  return f->rec != NULL && f->rec->g == f->g ? f->rec : ud_gtable_find(f->g);
}

/* Drops frame i of this thread (its snapshot too, if still recorded). */
static void abandon(uint32_t i) {
  tframe *f = &ts.f[i];
  if (f->g == 0)
    return;
  ud_gtable_lock();
  ud_grec *r = frame_record(f);
  if (r != NULL)
    for (uint32_t k = 0; k < r->depth; k++)
      if (r->snaps[k].token == f->ret) {
        ud_gtable_drop_snapshot(r, k);
        break;
      }
  ud_gtable_unlock();
}

/* If the thread's goroutine is in a gate, snapshots it and returns the g. */
static uintptr_t gate_enter(uint64_t token, ud_grec **rec) {
  uintptr_t g0 = ud_rt_tls_g();
  if (g0 == 0)
    return 0; /* a C thread Go never saw */
  /* A g0 belongs to one M for the M's life: the thread remembers the pair
   * it checked last (an extra M lent to a C thread shows a different g0). */
  uintptr_t m = g0 == ts.g0 ? ts.m : ud_rt_g_m(g0);
  if (m == 0)
    return 0;
  if (g0 != ts.g0) {
    if (ud_rt_m_g0(m) != g0)
      return 0; /* not C code called from Go on this M */
    ts.g0 = g0;
    ts.m = m;
  }
  uintptr_t curg = ud_rt_m_curg(m);
  if (curg == 0)
    return 0;
  ud_gview v;
  ud_rt_read_g(curg, &v);
  if (v.status != UD_GSYSCALL || v.syscallsp == 0)
    return 0; /* an extra M's goroutine, or not in a cgo call */
  const ud_gate_info *gi = ud_gateinfo_by_x(v.syscallpc);
  if (gi == NULL)
    return 0; /* in a system call that is not a gate: no Go frame to snapshot */
  /* asmcgocall left sched at systemstack_switch, in a frame whose return
   * address is Y and whose caller's frame is the one entersyscall saved:
   * that ties X and Y to one frame. */
  uint64_t y_slot = ud_gateinfo_y_slot(v.sched_pc, v.sched_sp);
  if (y_slot == 0 || y_slot + 8 != v.syscallsp || v.sched_sp <= v.stack_lo ||
      v.syscallsp >= v.stack_hi || ud_rd64(y_slot) != gi->y_pc) {
    if (ud_shim.opt.verbosity >= 2 && !__atomic_exchange_n(&said_inconsistent, 1, __ATOMIC_RELAXED))
      ud_log("a goroutine at X %#llx in %s is not in the state asmcgocall leaves: gate skipped",
             (unsigned long long)v.syscallpc, gi->func_name);
    return 0;
  }
  ud_gtable_lock();
  uint64_t off = v.stack_hi - v.syscallsp;
  /* The record this thread used last is usually curg's: a record is in the
   * table exactly while its g is set, and we hold the lock. */
  ud_grec *r = ts.last != NULL && ts.last->g == curg ? ts.last : ud_gtable_get(curg);
  if (r == NULL) {
    ud_gtable_unlock();
    return 0; /* table full: this gate goes unchecked */
  }
  ts.last = r;
  /* A snapshot at or below the new gate frame cannot be live: the program
   * left it without a release (a panic through the C frames). */
  for (uint32_t k = r->depth; k-- > 0;)
    if (r->snaps[k].off >= off)
      ud_gtable_drop_snapshot(r, k);
  ud_snapshot *s = ud_gtable_push_snapshot(r, v.goid);
  if (s == NULL) {
    ud_gtable_unlock();
    return 0; /* nested deeper than recorded: this gate goes unchecked */
  }
  s->gi = gi;
  s->off = off;
  s->entry_lo = v.stack_lo;
  s->entry_hi = v.stack_hi;
  s->token = token;
  for (size_t k = 0; k < gi->nslots; k++)
    s->x_values[k] = ud_rd64(v.syscallsp + (uint64_t)(int64_t)gi->slots[k].sp_off);
  ud_gtable_add_range(r, v.stack_lo, v.stack_hi);
  ud_gtable_unlock();
  *rec = r;
  return curg;
}

static void gate_leave(const tframe *f) {
  ud_gtable_lock();
  ud_grec *r = frame_record(f);
  if (r != NULL) {
    for (uint32_t k = r->depth; k-- > 0;) {
      if (r->snaps[k].token != f->ret)
        continue;
      /* The record stays (we hold the lock; only a gate entry evicts, and
       * only idle records), but the check may drop stale snapshots. */
      if (ud_verify_release_needed(r))
        ud_verify_release(r, k);
      if (k < r->depth && r->snaps[k].token == f->ret)
        ud_gtable_drop_snapshot(r, k);
      break;
    }
  }
  ud_gtable_unlock();
}

static void entry(struct ud_context_arg *arg) {
  ud_context_fn user = __atomic_load_n(&user_context, __ATOMIC_ACQUIRE);
  uint64_t uv = 0;
  if (user != NULL) {
    struct ud_context_arg a = {0};
    user(&a);
    uv = a.Context;
  }
  uintptr_t csp = (uintptr_t)__builtin_frame_address(0);
  /* Frames at or below this entry's C stack address are dead. */
  while (ts.depth > 0 && ts.depth <= TMAX && ts.f[ts.depth - 1].csp <= csp) {
    abandon(ts.depth - 1);
    ts.depth--;
  }
  if (ts.depth >= TMAX) {
    if (uv != 0)
      ts.overflow++;
    arg->Context = uv;
    return;
  }
  tframe *f = &ts.f[ts.depth++];
  f->ret = uv != 0 ? uv : (uint64_t)(uintptr_t)f;
  f->user_val = uv;
  f->csp = csp;
  f->rec = NULL;
  f->g = gate_enter(f->ret, &f->rec);
  if (f->g == 0 && uv == 0) {
    /* No gate to check at the return, nothing of the program's to hand
     * back: Context 0 spares the runtime and us the release call. */
    ts.depth--;
    arg->Context = 0;
    return;
  }
  arg->Context = f->ret;
}

static void release(struct ud_context_arg *arg) {
  uint64_t ctx = arg->Context;
  uint32_t i = ts.depth;
  while (i > 0 && ts.f[i - 1].ret != ctx)
    i--;
  if (i == 0) {
    /* Not ours: a callback beyond the frame table. */
    if (ts.overflow > 0) {
      ts.overflow--;
      ud_context_fn user = __atomic_load_n(&user_context, __ATOMIC_ACQUIRE);
      if (user != NULL)
        user(arg);
    }
    return;
  }
  for (uint32_t k = ts.depth; k > i; k--)
    abandon(k - 1);
  tframe f = ts.f[i - 1];
  ts.depth = i - 1;
  if (f.g != 0)
    gate_leave(&f);
  if (f.user_val != 0) {
    ud_context_fn user = __atomic_load_n(&user_context, __ATOMIC_ACQUIRE);
    if (user != NULL) {
      struct ud_context_arg a = {f.user_val};
      user(&a);
    }
  }
}

void ud_gate_context(struct ud_context_arg *arg) {
  if (arg->Context == 0)
    entry(arg);
  else
    release(arg);
}
