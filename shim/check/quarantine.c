/* quarantine: the left stacks held, poisoned and, where they own their
 * pages, inaccessible (see quarantine.h). */
#include "quarantine.h"

#include <string.h>
#include <sys/mman.h>

#include "counts.h"
#include "fault.h"
#include "gostack.h"
#include "ownstack.h"
#include "report_emit.h"
#include "spinlock.h"

__thread uint64_t ud_quarantine_armed_lo __attribute__((tls_model("initial-exec")));

/* The move armed on this thread: the rest of what ud_quarantine_take needs. */
typedef struct armed_move {
  const ud_rt *rt;
  uintptr_t g;
  int64_t goid;
  uint64_t hi, newsize;
  bool growth;
  const ud_gate_entry *gate;
} armed_move;
static __thread armed_move armed __attribute__((tls_model("initial-exec")));

/* A held stack, and what the shim knew of it when it was left. */
typedef struct held {
  const ud_rt *rt;
  uint64_t lo, hi;
  uint64_t plo, phi;         /* the pages it owns, made inaccessible ([0, 0): none) */
  uint64_t new_lo, new_hi;   /* the stack the goroutine moved to */
  int64_t goid;
  uint64_t newsize;
  bool growth;
  const ud_gate_entry *gate;
  uint64_t seq;              /* the move's number, from 1 */
  bool protected_;           /* PROT_NONE now; its slot's guard word is set */
  bool accessed;             /* an access to it was reported (halt_on_error=0): not checked again */
  size_t nframes;
  ud_goframe frames[UD_QUARANTINE_FRAMES]; /* on the left stack, innermost first */
} held;

static held ring[UD_QUARANTINE_STACKS];
static size_t ring_n, ring_first; /* ring[ring_first] is the oldest */
static uint64_t ring_bytes, moves;
static int ring_lock;

/* guard[k]: ring[k]'s stack while it is inaccessible, as lo | its pages
 * (lo is page-aligned; a held stack has at most UD_QUARANTINE_BYTES / 4
 * bytes, fewer pages than the low bits hold); 0 otherwise. Written under
 * ring_lock, read by the fault handler without it. */
static uint64_t guard[UD_QUARANTINE_STACKS];
_Static_assert(UD_QUARANTINE_BYTES / 4 / UD_QUARANTINE_PAGE < UD_QUARANTINE_PAGE,
               "a held stack's page count fits below its page-aligned lo");

/* The pages of [lo, hi) no other stack shares: all of them from 4 KiB up
 * (lo and hi page-aligned), the whole page of one the shim served
 * (ownstack.h), none for a 2 KiB stack of the runtime's. */
static void owned_pages(uint64_t lo, uint64_t hi, uint64_t *plo, uint64_t *phi) {
  *plo = *phi = 0;
  if (ud_ownstack_owns(lo))
    *plo = ud_ownstack_page(lo), *phi = *plo + UD_OWNSTACK_PAGE;
  else if (lo % UD_QUARANTINE_PAGE == 0 && hi % UD_QUARANTINE_PAGE == 0 && hi > lo)
    *plo = lo, *phi = hi;
}

/* [lo, hi) goes back: to the shim when it served it ({0, 0} for the
 * trampoline: nothing for stackfree to do), else to the runtime. */
static ud_stack_range give_back(uint64_t lo, uint64_t hi) {
  if (ud_ownstack_owns(lo)) {
    ud_ownstack_free(lo);
    return (ud_stack_range){0, 0};
  }
  return (ud_stack_range){lo, hi};
}

/* Under ring_lock. Makes ring[k]'s stack inaccessible, its guard set
 * first; false (the stack stays accessible) when mprotect fails. */
static bool protect_slot(size_t k) {
  held *h = &ring[k];
  __atomic_store_n(&guard[k], h->plo | ((h->phi - h->plo) / UD_QUARANTINE_PAGE), __ATOMIC_RELEASE);
  if (mprotect((void *)(uintptr_t)h->plo, h->phi - h->plo, PROT_NONE) != 0) {
    __atomic_store_n(&guard[k], 0, __ATOMIC_RELEASE);
    return false;
  }
  h->protected_ = true;
  return true;
}

/* Under ring_lock. Makes ring[k]'s stack accessible again, its guard
 * cleared after; false if it stays inaccessible (mprotect failed). */
static bool unprotect_slot(size_t k) {
  held *h = &ring[k];
  if (!h->protected_)
    return true;
  if (mprotect((void *)(uintptr_t)h->plo, h->phi - h->plo, PROT_READ | PROT_WRITE) != 0)
    return false;
  h->protected_ = false;
  __atomic_store_n(&guard[k], 0, __ATOMIC_RELEASE);
  return true;
}

/* Under ring_lock: the handler was replaced (ud_fault_arm said so): a
 * fault on a held stack would reach someone else's handler, so every held
 * stack is made accessible (they stay poison-checked). */
static bool handler_gone;
static void unprotect_all(void) {
  for (size_t i = 0; i < ring_n; i++)
    unprotect_slot((ring_first + i) % UD_QUARANTINE_STACKS);
}

void ud_quarantine_arm(const ud_rt *rt, const ud_gview *gv, uint64_t newsize, bool growth,
                       const ud_gate_entry *gate) {
  armed = (armed_move){.rt = rt, .g = gv->g, .goid = gv->goid, .hi = gv->stack_hi,
                       .newsize = newsize, .growth = growth, .gate = gate};
  ud_quarantine_armed_lo = gv->stack_lo;
}

typedef struct frame_snap {
  held *h;
} frame_snap;

static bool snap_frame(void *p, const ud_goframe *f) {
  held *h = ((frame_snap *)p)->h;
  if (h->nframes == UD_QUARANTINE_FRAMES)
    return false;
  h->frames[h->nframes++] = *f;
  return true;
}

static void poison(uint64_t lo, uint64_t hi) {
  for (uint64_t a = lo; a + 8 <= hi; a += 8)
    *(volatile uint64_t *)a = UD_QUARANTINE_POISON;
}

/* The first word of h's stack that is no longer poison, and how many are
 * not; false if none. */
static bool first_written(const held *h, uint64_t *addr, uint64_t *value, size_t *nwords) {
  size_t n = 0;
  for (uint64_t a = h->lo; a + 8 <= h->hi; a += 8) {
    uint64_t w = *(volatile const uint64_t *)a;
    if (w == UD_QUARANTINE_POISON)
      continue;
    if (n++ == 0)
      *addr = a, *value = w;
  }
  *nwords = n;
  return n > 0;
}

static void check_held(const held *h, enum ud_trigger when) {
  uint64_t addr = 0, value = 0;
  size_t nwords;
  if (h->accessed || h->protected_ || !first_written(h, &addr, &value, &nwords))
    return;
  /* The frame that held addr when the stack was left. */
  ud_left_stack_write w = {
      .rt = h->rt, .when = when, .goid = h->goid, .gate = h->gate,
      .growth = h->growth, .newsize = h->newsize, .addr = addr, .value = value,
      .nwords = nwords, .left_lo = h->lo, .left_hi = h->hi, .new_lo = h->new_lo,
      .new_hi = h->new_hi, .nframes = h->nframes, .frames = h->frames,
  };
  ud_emit_left_stack_write(&w);
}

ud_stack_range ud_quarantine_take(ud_rt *rt, uint64_t lo, uint64_t hi) {
  ud_quarantine_armed_lo = 0;
  armed_move a = armed;
  uint64_t size = hi - lo;
  if (a.rt != rt || a.hi != hi || size > UD_QUARANTINE_BYTES / 4)
    return give_back(lo, hi);
  const ud_layout *L = &rt->layout;
  held h = {.rt = rt, .lo = lo, .hi = hi, .goid = a.goid, .newsize = a.newsize,
            .growth = a.growth, .gate = a.gate};
  owned_pages(lo, hi, &h.plo, &h.phi);
  /* The goroutine now runs on its new stack, at the same depth below hi:
   * its frames on the left one are where they were (copystack moved them,
   * it did not clear them). */
  ud_gview gv;
  ud_read_g(L, a.g, &gv);
  h.new_lo = gv.stack_lo;
  h.new_hi = gv.stack_hi;
  if (gv.sched_sp >= gv.stack_lo && gv.sched_sp < gv.stack_hi) {
    frame_snap s = {&h};
    ud_gostack_walk(rt->tab, rt->bias, gv.sched_pc, hi - (gv.stack_hi - gv.sched_sp), lo, hi,
                    snap_frame, &s);
  }
  poison(lo, hi);

  held out;
  bool evict = false, prot = false;
  ud_spin_lock(&ring_lock);
  size_t k;
  if (ring_n == UD_QUARANTINE_STACKS || ring_bytes + size > UD_QUARANTINE_BYTES) {
    k = ring_first;
    if (!unprotect_slot(k)) {
      /* The oldest cannot be given back: it stays held, and this stack
       * goes to the runtime at once (poisoned, never protected). */
      ud_spin_unlock(&ring_lock);
      return give_back(lo, hi);
    }
    out = ring[k];
    ring_bytes -= out.hi - out.lo;
    ring_first = (ring_first + 1) % UD_QUARANTINE_STACKS;
    evict = true;
  } else {
    k = (ring_first + ring_n) % UD_QUARANTINE_STACKS;
    ring_n++;
  }
  h.seq = ++moves;
  ring[k] = h;
  ring_bytes += size;
  if (h.phi > h.plo && !handler_gone) {
    if (ud_fault_arm()) {
      prot = protect_slot(k);
    } else {
      handler_gone = true;
      unprotect_all();
    }
  }
  ud_spin_unlock(&ring_lock);
  UD_COUNT(quarantined, 1);
  if (prot)
    UD_COUNT(protected, 1);
  if (!evict)
    return (ud_stack_range){0, 0};
  check_held(&out, UD_TRIGGER_QUARANTINE_RELEASE);
  return give_back(out.lo, out.hi);
}

void ud_quarantine_check_all(void) {
  for (size_t i = 0;; i++) {
    held h;
    ud_spin_lock(&ring_lock);
    bool more = i < ring_n;
    if (more) {
      size_t k = (ring_first + i) % UD_QUARANTINE_STACKS;
      unprotect_slot(k); /* read below (a stack that stays inaccessible is not checked) */
      h = ring[k];
    }
    ud_spin_unlock(&ring_lock);
    if (!more)
      return;
    check_held(&h, UD_TRIGGER_EXIT);
  }
}

bool ud_quarantine_guards(uint64_t addr) {
  for (size_t k = 0; k < UD_QUARANTINE_STACKS; k++) {
    uint64_t w = __atomic_load_n(&guard[k], __ATOMIC_ACQUIRE);
    uint64_t lo = w & ~(uint64_t)(UD_QUARANTINE_PAGE - 1);
    if (w != 0 && addr - lo < (w & (UD_QUARANTINE_PAGE - 1)) * UD_QUARANTINE_PAGE)
      return true;
  }
  return false;
}

/* Under ring_lock: the slot of the held, inaccessible stack holding addr. */
static bool find_protected(uint64_t addr, size_t *slot) {
  for (size_t i = 0; i < ring_n; i++) {
    size_t k = (ring_first + i) % UD_QUARANTINE_STACKS;
    if (ring[k].protected_ && addr >= ring[k].plo && addr < ring[k].phi) {
      *slot = k;
      return true;
    }
  }
  return false;
}

/* Set while this thread reports a fault on a held stack: a second fault
 * of its own there (the report path reading a held stack, possible only
 * when the program's action has SA_NODEFER, else the kernel ends the
 * process) must not wait for the first. */
static __thread bool in_fault __attribute__((tls_model("initial-exec")));

void ud_quarantine_fault(uint64_t addr, enum ud_access op, uint64_t pc, uint64_t sp,
                         void *ucontext) {
  if (in_fault) {
    /* let the report go on: nothing is held inaccessible any more */
    ud_spin_lock(&ring_lock);
    handler_gone = true;
    unprotect_all();
    ud_spin_unlock(&ring_lock);
    return;
  }
  /* Copied under the lock (its slot may be reused once it is let go). */
  held h;
  ud_spin_lock(&ring_lock);
  size_t k;
  bool found = find_protected(addr, &k);
  if (found)
    h = ring[k];
  ud_spin_unlock(&ring_lock);
  if (!found)
    return; /* let go between the fault and the lock: the runtime's memory again */
  /* The faulting thread's stack is unwound for the report, unless it is
   * the held stack itself (Go code running on it): reading it would fault
   * again. */
  bool sp_held = sp >= h.plo && sp < h.phi;
  ud_left_stack_write w = {
      .rt = h.rt, .when = UD_TRIGGER_ACCESS, .access = op, .access_pc = pc, .access_sp = sp,
      .ucontext = sp_held ? NULL : ucontext, .goid = h.goid, .gate = h.gate, .growth = h.growth,
      .newsize = h.newsize, .addr = addr, .value = 0, .nwords = 0, .left_lo = h.lo,
      .left_hi = h.hi, .new_lo = h.new_lo, .new_hi = h.new_hi, .nframes = h.nframes,
      .frames = h.frames,
  };
  in_fault = true;
  ud_emit_left_stack_write(&w);
  in_fault = false;
  /* halt_on_error=0: the program goes on, and the access with it: the
   * stack is made accessible (the access then lands in the held stack, as
   * it would have landed in the freed one) and is not checked again. */
  ud_spin_lock(&ring_lock);
  if (find_protected(addr, &k) && ring[k].seq == h.seq) {
    ring[k].accessed = true;
    unprotect_slot(k);
  }
  ud_spin_unlock(&ring_lock);
}
