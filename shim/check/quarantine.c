/* quarantine: the left stacks held and poisoned (see quarantine.h). */
#include "quarantine.h"

#include <string.h>

#include "counts.h"
#include "gostack.h"
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
  uint64_t new_lo, new_hi;   /* the stack the goroutine moved to */
  int64_t goid;
  uint64_t newsize;
  bool growth;
  const ud_gate_entry *gate;
  uint64_t seq;              /* the move's number, from 1 */
  size_t nframes;
  ud_goframe frames[UD_QUARANTINE_FRAMES]; /* on the left stack, innermost first */
} held;

static held ring[UD_QUARANTINE_STACKS];
static size_t ring_n, ring_first; /* ring[ring_first] is the oldest */
static uint64_t ring_bytes, moves;
static int ring_lock;

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
  if (!first_written(h, &addr, &value, &nwords))
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
    return (ud_stack_range){lo, hi};
  const ud_layout *L = &rt->layout;
  held h = {.rt = rt, .lo = lo, .hi = hi, .goid = a.goid, .newsize = a.newsize,
            .growth = a.growth, .gate = a.gate};
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
  UD_COUNT(quarantined, 1);

  held out;
  bool evict = false;
  ud_spin_lock(&ring_lock);
  h.seq = ++moves;
  if (ring_n == UD_QUARANTINE_STACKS || ring_bytes + size > UD_QUARANTINE_BYTES) {
    out = ring[ring_first];
    ring_bytes -= out.hi - out.lo;
    ring[ring_first] = h;
    ring_first = (ring_first + 1) % UD_QUARANTINE_STACKS;
    evict = true;
  } else {
    ring[(ring_first + ring_n) % UD_QUARANTINE_STACKS] = h;
    ring_n++;
  }
  ring_bytes += size;
  ud_spin_unlock(&ring_lock);
  if (!evict)
    return (ud_stack_range){0, 0};
  check_held(&out, UD_TRIGGER_QUARANTINE_RELEASE);
  return (ud_stack_range){out.lo, out.hi};
}

void ud_quarantine_check_all(void) {
  for (size_t i = 0;; i++) {
    held h;
    ud_spin_lock(&ring_lock);
    bool more = i < ring_n;
    if (more)
      h = ring[(ring_first + i) % UD_QUARANTINE_STACKS];
    ud_spin_unlock(&ring_lock);
    if (!more)
      return;
    check_held(&h, UD_TRIGGER_EXIT);
  }
}
