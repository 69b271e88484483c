/* report_emit: fills the report model and writes it.
 *
 * This runs inside a program that is about to abort, on a thread that may
 * hold any lock: everything is formatted by the report library's formatter
 * into static or stack buffers (no stdio, no malloc of the target's). */
#include "report_emit.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "counts.h"
#include "dwarfvars.h"
#include "gate_frames.h"
#include "cstack.h"
#include "gosym.h"
#include "gostack.h"
#include "report.h"
#include "report_out.h"
#include "spinlock.h"

enum { HEAD_FRAMES = 40, TAIL_FRAMES = UD_REPORT_MAX_FRAMES - HEAD_FRAMES - 1 };

/* One report at a time. */
static ud_report rep;
static int report_lock;

/* Slot names from DWARF, read now rather than at start-up
 * (check_layout_dwarf=0): reports are rare. libelf and libdw are linked
 * into the shim and allocate from its private allocator, never the
 * program's malloc. The DWARF of each runtime is opened once (under
 * report_lock) and kept for the reports that follow. */
enum { DWARF_RTS = 8 };
static struct {
  const ud_rt *rt;
  ud_dwarfvars *dv; /* NULL: none (tried) */
} dwarf_names[DWARF_RTS];

static bool dwarf_slot_name(const ud_rt *rt, const ud_gate_info *gi, const ud_gate_slot *sl, char *out,
                            size_t cap) {
  if (!rt->names_at_report)
    return false;
  size_t i = 0;
  while (i < DWARF_RTS && dwarf_names[i].rt != NULL && dwarf_names[i].rt != rt)
    i++;
  if (i == DWARF_RTS)
    return false;
  if (dwarf_names[i].rt == NULL) {
    ud_err err = {0};
    dwarf_names[i].rt = rt;
    dwarf_names[i].dv = ud_dwarfvars_open(rt->img, &err);
  }
  ud_func fn;
  uint64_t x_ret = gi->x_pc - rt->bias;
  return dwarf_names[i].dv != NULL && ud_pclntab_find_func(rt->tab, x_ret - 1, &fn) &&
         ud_gate_slot_name(rt->img, dwarf_names[i].dv, &fn, x_ret, sl->kind, sl->sp_off,
                           gi->frame_size + 8, out, cap);
}

typedef struct gowalk {
  const ud_rt *rt;
  bool first_is_ret;              /* frame 0's pc is a return address (X) */
  ud_report *r;
  int n;                          /* frames seen */
  ud_goframe tail[TAIL_FRAMES];   /* ring of the last frames past the head */
  uint64_t owner;                 /* address whose frame we want, 0: none */
  bool owner_found;
} gowalk;

static void put_frame(const gowalk *w, ud_report_frame *fr, const ud_goframe *f) {
  memset(fr, 0, sizeof *fr);
  ud_symbolize_go(w->rt->tab, w->rt->bias, f->pc, f->index > 0 || w->first_is_ret, fr);
  fr->sp = f->sp;
}

static bool go_frame(void *p, const ud_goframe *f) {
  gowalk *w = p;
  if (w->n < HEAD_FRAMES)
    put_frame(w, &w->r->go_stack[w->n], f);
  else
    w->tail[(w->n - HEAD_FRAMES) % TAIL_FRAMES] = *f;
  w->n++;
  if (w->owner != 0 && !w->owner_found) {
    int32_t args = ud_func_args(&f->fn);
    uint64_t top = f->fp + (uint64_t)(args > 0 && args != UD_ARGS_SIZE_UNKNOWN ? args : 0);
    if (w->owner >= f->sp && w->owner < top) {
      w->owner_found = true;
      const char *name = ud_func_name(&f->fn);
      ud_str_fmt(w->r->old_frame_func, sizeof w->r->old_frame_func, "%s%s", name ? name : "?",
                 w->owner >= f->fp ? " (argument area)" : "");
      w->r->old_frame_off = (int32_t)(w->owner - f->sp);
    }
  }
  return true;
}

static void finish_go_stack(gowalk *w) {
  ud_report *r = w->r;
  if (w->n <= HEAD_FRAMES) {
    r->go_stack_n = w->n;
    return;
  }
  int extra = w->n - HEAD_FRAMES;
  int keep = extra < TAIL_FRAMES ? extra : TAIL_FRAMES;
  int n = HEAD_FRAMES;
  if (extra > keep) {
    ud_report_frame *gap = &r->go_stack[n++];
    memset(gap, 0, sizeof *gap);
    ud_str_fmt(gap->func, sizeof gap->func, "... %d frames elided ...", extra - keep);
  }
  for (int i = extra - keep; i < extra; i++)
    put_frame(w, &r->go_stack[n++], &w->tail[i % TAIL_FRAMES]);
  r->go_stack_n = n;
}

static void stop_program(const ud_options *opt) {
  if (opt->abort_on_error) {
    /* The Go runtime turns SIGABRT into its own crash dump and exit status
     * 2; a real abort (a core, a SIGABRT status) is what the user asked for. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGABRT, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGABRT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    abort();
  }
  _exit(opt->exitcode);
}

void ud_emit(const ud_options *opt, const ud_rt *rt, const ud_violation *v) {
  ud_spin_lock(&report_lock);
  ud_report *r = &rep;
  memset(r, 0, sizeof *r);
  const ud_gate_info *gi = v->gate;

  r->kind = v->kind;
  r->trigger = v->trigger;
  r->pid = (int32_t)getpid();
  r->tid = (int32_t)syscall(SYS_gettid);
  r->goid = v->goid;
  ud_str_fmt(r->binary, sizeof r->binary, "%s", rt->path);
  ud_str_fmt(r->go_version, sizeof r->go_version, "%s", rt->go_version);

  ud_str_fmt(r->gate_func, sizeof r->gate_func, "%s", gi->func_name);
  r->x_pc = gi->x_pc;
  ud_str_fmt(r->x_file, sizeof r->x_file, "%s", gi->x_file);
  r->x_line = gi->x_line;
  ud_str_fmt(r->x_callee, sizeof r->x_callee, "%s", gi->x_callee);
  r->y_pc = gi->y_pc;
  ud_str_fmt(r->y_file, sizeof r->y_file, "%s", gi->y_file);
  r->y_line = gi->y_line;
  ud_str_fmt(r->y_callee, sizeof r->y_callee, "%s", gi->y_callee);
  uint64_t walk_hi = v->walk_hi;
  r->frame_sp = v->frame_sp;
  r->frame_size = gi->frame_size;
  r->gate_depth = v->gate_depth;

  if (v->slot != SIZE_MAX) {
    const ud_gate_slot *sl = &gi->slots[v->slot];
    r->slot_kind = sl->kind == UD_SLOT_ARG ? UD_RSLOT_ARG : UD_RSLOT_LOCAL;
    char dname[sizeof sl->name];
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "%s",
               dwarf_slot_name(rt, gi, sl, dname, sizeof dname) ? dname : sl->name);
    r->slot_sp_off = sl->sp_off;
    r->slot_addr = r->frame_sp + (uint64_t)(int64_t)sl->sp_off;
    r->live_at_x = true;
    r->live_at_y = sl->live_at_y;
  } else {
    r->slot_kind = UD_RSLOT_G;
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "%s", v->g_field);
    r->slot_addr = 0;
  }
  r->value = v->value;

  r->points_to = v->points_to;
  bool own = ud_region_is_own(v->points_to);
  if (own)
    r->old_hi_off = (int64_t)(v->stale_hi - v->value);
  r->old_lo = v->old_lo;
  r->old_hi = v->old_hi;
  r->new_lo = v->new_lo;
  r->new_hi = v->new_hi;
  r->newsize = v->newsize;
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) == 0)
    r->time_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;

  /* The frames: the walked stack holds the same frames as the stale range
   * at the same distance from the top (copying preserves hi - addr). */
  gowalk w = {.rt = rt, .first_is_ret = v->walk_pc_is_ret, .r = r};
  if (own && v->stale_hi - v->value <= walk_hi - v->walk_lo)
    w.owner = walk_hi - (v->stale_hi - v->value);
  ud_gostack_walk(rt->tab, rt->bias, v->walk_pc, v->walk_sp, v->walk_lo, walk_hi, go_frame, &w);
  finish_go_stack(&w);
  r->c_stack_n = ud_cstack_capture(rt->tab, rt->bias, r->c_stack, UD_REPORT_MAX_FRAMES);

  char where[96];
  if (v->trigger == UD_TRIGGER_CALLBACK_RETURN)
    ud_str_fmt(where, sizeof where, "when a callback returned to C");
  else
    ud_str_fmt(where, sizeof where, "at a %s to %llu bytes", ud_trigger_words(v->trigger),
               (unsigned long long)v->newsize);
  if (v->slot != SIZE_MAX) {
    char slot[80];
    if (r->slot_name[0])
      ud_str_fmt(slot, sizeof slot, "%.63s", r->slot_name);
    else
      ud_str_fmt(slot, sizeof slot, "%s at sp+%d", ud_rslot_name(r->slot_kind), r->slot_sp_off);
    ud_str_fmt(r->summary, sizeof r->summary,
               "%s: %s slot '%s' (live at X %s:%d, dead at Y %s:%d) points into the %s (%#llx) of "
               "goroutine %lld %s",
               ud_kind_words(v->kind), gi->func_name, slot, ud_report_basename(gi->x_file),
               gi->x_line, ud_report_basename(gi->y_file), gi->y_line,
               ud_region_summary_words(v->points_to), (unsigned long long)v->value,
               (long long)r->goid, where);
  } else {
    ud_str_fmt(r->summary, sizeof r->summary,
               "stale %s: g.%s = %#llx is outside the current stack [%#llx, %#llx) of goroutine "
               "%lld %s",
               v->g_field, v->g_field, (unsigned long long)v->value,
               (unsigned long long)v->old_lo, (unsigned long long)v->old_hi, (long long)r->goid,
               where);
  }

  UD_COUNT(reports, 1);
  ud_report_write(r, opt->format, opt->log_path);
  if (opt->halt_on_error) {
    /* The counts go with the report: the program ends here. */
    ud_counts_write_final(opt, rt->path, rt->go_version);
    stop_program(opt);
  }
  ud_spin_unlock(&report_lock);
}
