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
#include "gate_funcs.h"
#include "cstack.h"
#include "gosym.h"
#include "gostack.h"
#include "log.h"
#include "report.h"
#include "quarantine.h"
#include "report_out.h"
#include "spinlock.h"

enum { HEAD_FRAMES = 40, TAIL_FRAMES = UD_REPORT_MAX_FRAMES - HEAD_FRAMES - 1 };

/* One report at a time, and the end of the process after any report: the
 * lock is held from the start of a report to its end, and by the thread
 * that ends the process from the moment it decides to (never released
 * then). lock_owner is the holder's thread id: a report begun on the thread
 * already writing one (a fault or a check inside the report path) is told
 * as a nested report, not a deadlock (compiler-rt's ScopedErrorReportLock
 * does the same), and a thread that ends the process from inside its own
 * report (a fault there, turned by Go into exit(2)) does not wait for
 * itself. ending: the holder is ending the process (its last checks may
 * still report, under the lock it holds). */
static ud_report rep;
static int report_lock;
static int32_t lock_owner;
static bool reported; /* a report was written (under the lock) */
static bool ending;   /* the holder is in ud_end_process (under the lock) */

static int32_t my_tid(void) { return (int32_t)syscall(SYS_gettid); }

static void take_lock(void) {
  ud_spin_lock(&report_lock);
  __atomic_store_n(&lock_owner, my_tid(), __ATOMIC_RELAXED);
}

static void drop_lock(void) {
  __atomic_store_n(&lock_owner, 0, __ATOMIC_RELAXED);
  ud_spin_unlock(&report_lock);
}

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

static bool dwarf_slot_name(const ud_rt *rt, const ud_gate_entry *gi, const ud_gate_slot *sl, char *out,
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

/* Takes the report lock and fills what every kind has: the process, the
 * goroutine, the gate (gi may be NULL), the time. */
static ud_report *report_begin(const ud_rt *rt, enum ud_kind kind, enum ud_trigger trigger,
                               int64_t goid, const ud_gate_entry *gi) {
  int32_t tid = my_tid();
  if (__atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == tid) {
    if (!ending) {
      ud_log("nested report: thread %d found a %s while writing a report (a bug in undead); "
             "stopping", tid, ud_kind_name(kind));
      stop_program(rt->opt);
    }
  } else {
    take_lock();
  }
  ud_report *r = &rep;
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->trigger = trigger;
  r->pid = (int32_t)getpid();
  r->tid = tid;
  r->goid = goid;
  ud_str_fmt(r->binary, sizeof r->binary, "%s", rt->path);
  ud_str_fmt(r->go_version, sizeof r->go_version, "%s", rt->go_version);
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) == 0)
    r->time_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
  if (gi == NULL)
    return r;
  ud_str_fmt(r->gate_func, sizeof r->gate_func, "%s", gi->func_name);
  r->x_pc = gi->x_pc;
  ud_str_fmt(r->x_file, sizeof r->x_file, "%s", gi->x_file);
  r->x_line = gi->x_line;
  ud_str_fmt(r->x_callee, sizeof r->x_callee, "%s", gi->x_callee);
  r->y_pc = gi->y_pc;
  ud_str_fmt(r->y_file, sizeof r->y_file, "%s", gi->y_file);
  r->y_line = gi->y_line;
  ud_str_fmt(r->y_callee, sizeof r->y_callee, "%s", gi->y_callee);
  r->frame_size = gi->frame_size;
  return r;
}

/* Writes the report the lock guards, then stops the program or (halt_on_error=0)
 * releases the lock. */
static void report_finish(const ud_rt *rt, ud_report *r) {
  const ud_options *opt = rt->opt;
  UD_COUNT(reports, 1);
  reported = true;
  ud_report_write(r, opt->format, opt->log_path);
  if (opt->halt_on_error) {
    /* The counts go with the report: the program ends here. */
    ud_counts_write_final(opt, rt->path, rt->go_version);
    stop_program(opt);
  }
  if (!ending)
    drop_lock();
}

void ud_emit(const ud_options *opt, const ud_rt *rt, const ud_violation *v) {
  const ud_gate_entry *gi = v->gate;
  ud_report *r = report_begin(rt, v->kind, v->trigger, v->goid, gi);
  uint64_t walk_hi = v->walk_hi;
  r->frame_sp = v->frame_sp;
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
  } else if (v->kind == UD_KIND_STALE_RESUME_POINT) {
    r->slot_kind = UD_RSLOT_SYSTEM_WORD;
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "asmcgocall's saved %s",
               v->word_is_depth ? "depth" : "SP");
    r->slot_addr = v->word_at;
  } else if (v->kind == UD_KIND_LEFT_STACK_ARGUMENT) {
    r->slot_kind = UD_RSLOT_C_ARG;
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "%s+%d", v->g_field, v->c_arg_off);
    r->slot_sp_off = v->c_arg_off;
    r->slot_addr = v->c_arg_at;
  } else if (v->kind == UD_KIND_LONGJMP_OVER_CALLBACK) {
    r->slot_kind = UD_RSLOT_JMP_BUF;
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "%s", v->g_field);
    r->slot_addr = v->jmp_buf_at;
  } else {
    r->slot_kind = UD_RSLOT_G;
    ud_str_fmt(r->slot_name, sizeof r->slot_name, "%s", v->g_field);
    r->slot_addr = v->fp_slot;
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
  } else if (v->kind == UD_KIND_STALE_FRAME_POINTER) {
    char link[64];
    if (v->fp_slot != 0)
      ud_str_fmt(link, sizeof link, "the frame pointer saved at %#llx", (unsigned long long)v->fp_slot);
    else
      ud_str_fmt(link, sizeof link, "%s itself", v->g_field);
    ud_str_fmt(r->summary, sizeof r->summary,
               "stale frame pointer: the frame-pointer chain of goroutine %lld from %s%s reaches "
               "%#llx (%s), inside the stack [%#llx, %#llx) it left at an earlier move; its "
               "current stack is [%#llx, %#llx); found %s",
               (long long)r->goid, strcmp(v->g_field, "BP") == 0 ? "" : "g.",
               strcmp(v->g_field, "BP") == 0 ? "runtime.cgocallbackg's BP" : v->g_field,
               (unsigned long long)v->value, link, (unsigned long long)v->old_lo,
               (unsigned long long)v->old_hi, (unsigned long long)v->new_lo,
               (unsigned long long)v->new_hi, where);
  } else if (v->kind == UD_KIND_STALE_RESUME_POINT) {
    char word[48], place[96];
    if (v->word_is_depth)
      ud_str_fmt(word, sizeof word, "the depth %#llx", (unsigned long long)v->word);
    else
      ud_str_fmt(word, sizeof word, "the SP itself");
    if (v->points_to == UD_REGION_EARLIER_STACK)
      ud_str_fmt(place, sizeof place, "inside the stack [%#llx, %#llx) it left at an earlier move",
                 (unsigned long long)v->old_lo, (unsigned long long)v->old_hi);
    else
      ud_str_fmt(place, sizeof place, "outside every stack it is known to have had");
    ud_str_fmt(r->summary, sizeof r->summary,
               "stale resume point: when C returns, asmcgocall will resume goroutine %lld at SP "
               "%#llx, %s, not on its gate's return address at %#llx (it saved %s at %#llx on "
               "the system stack); found %s",
               (long long)r->goid, (unsigned long long)v->value, place,
               (unsigned long long)v->resume_want, word, (unsigned long long)v->word_at, where);
  } else if (v->kind == UD_KIND_STALE_SYSTEM_STACK) {
    ud_str_fmt(r->summary, sizeof r->summary,
               "stale system stack bounds: C called back into goroutine %lld from SP %#llx "
               "(m.g0.sched.sp), outside the bounds [%#llx, %#llx] the runtime keeps for this "
               "thread's system stack (m.g0.stack); found at the %s%s",
               (long long)r->goid, (unsigned long long)v->value, (unsigned long long)v->old_lo,
               (unsigned long long)v->old_hi, ud_trigger_words(v->trigger),
               v->trigger == UD_TRIGGER_CALLBACK_ENTRY ? ", before Go code runs"
                                                       : ", before C code runs");
  } else if (v->kind == UD_KIND_LEFT_STACK_ARGUMENT) {
    char owner[200] = "";
    if (r->old_frame_func[0])
      ud_str_fmt(owner, sizeof owner, ", in the frame of %s at sp%+d", r->old_frame_func,
                 r->old_frame_off);
    ud_str_fmt(r->summary, sizeof r->summary,
               "C argument into a left stack: word +%d of the argument block of the open C call "
               "%s holds %#llx, in the stack [%#llx, %#llx) of goroutine %lld%s, which it %s %s",
               v->c_arg_off, v->g_field, (unsigned long long)v->value, (unsigned long long)v->old_lo,
               (unsigned long long)v->old_hi, (long long)r->goid, owner,
               v->trigger == UD_TRIGGER_CALLBACK_RETURN ? "left, found" : "is leaving", where);
  } else if (v->kind == UD_KIND_LONGJMP_OVER_CALLBACK) {
    /* the C stack's first frame outside the shim called longjmp */
    char land[192];
    ud_cstack_name_pc(rt->tab, rt->bias, v->jmp_pc, land, sizeof land);
    const char *from = r->c_stack_n > 0 ? r->c_stack[0].func : "C code";
    ud_str_fmt(r->summary, sizeof r->summary,
               "longjmp over a Go callback: %s is jumping to SP %#llx (pc %s, the jmp_buf at %#llx), "
               "above the C stack pointer %#llx at which C called back into goroutine %lld, whose "
               "callback is still open: its Go frames would never return; found at the longjmp, "
               "before it jumps",
               from, (unsigned long long)v->value, land, (unsigned long long)v->jmp_buf_at,
               (unsigned long long)v->old_lo, (long long)r->goid);
  } else if (v->kind == UD_KIND_MOVE_IN_SYSCALL) {
    ud_report_frame mover, call;
    ud_symbolize_go(rt->tab, rt->bias, v->mover_pc, 1, &mover);
    ud_symbolize_go(rt->tab, rt->bias, v->syscall_pc, 1, &call);
    ud_str_fmt(r->summary, sizeof r->summary,
               "stack move in a system call: %s (%s:%d) is moving the stack [%#llx, %#llx) of "
               "goroutine %lld to %llu bytes while it is in %s (g.syscallsp = %#llx, entered at "
               "%s %s:%d) with no callback running",
               mover.func[0] ? mover.func : "?", ud_report_basename(mover.file), mover.line,
               (unsigned long long)v->old_lo, (unsigned long long)v->old_hi, (long long)r->goid,
               (unsigned long long)v->newsize, gi != NULL ? "a C call" : "a system call",
               (unsigned long long)v->value, call.func[0] ? call.func : "?",
               ud_report_basename(call.file), call.line);
  } else {
    ud_str_fmt(r->summary, sizeof r->summary,
               "stale %s: g.%s = %#llx is outside the current stack [%#llx, %#llx) of goroutine "
               "%lld %s",
               v->g_field, v->g_field, (unsigned long long)v->value,
               (unsigned long long)v->old_lo, (unsigned long long)v->old_hi, (long long)r->goid,
               where);
  }

  (void)opt; /* rt->opt: the same options */
  report_finish(rt, r);
}

void ud_emit_left_stack_write(const ud_left_stack_write *w) {
  const ud_rt *rt = w->rt;
  bool access = w->access != UD_ACCESS_NONE;
  ud_report *r = report_begin(rt, access ? UD_KIND_LEFT_STACK_ACCESS : UD_KIND_LEFT_STACK_WRITE,
                              w->when, w->goid, w->gate);
  r->slot_kind = UD_RSLOT_STACK_WORD;
  r->slot_addr = w->addr;
  r->value = w->value;
  r->points_to = UD_REGION_OLD_STACK;
  r->old_hi_off = (int64_t)(w->left_hi - w->addr);
  r->old_lo = w->left_lo;
  r->old_hi = w->left_hi;
  r->new_lo = w->new_lo;
  r->new_hi = w->new_hi;
  r->newsize = w->newsize;
  /* The Go stack is the left stack's frames as they were at the move; the
   * one that held the address names it. */
  gowalk g = {.rt = rt, .r = r, .owner = w->addr};
  for (size_t i = 0; i < w->nframes && i < HEAD_FRAMES; i++)
    go_frame(&g, &w->frames[i]);
  r->go_stack_n = g.n < HEAD_FRAMES ? g.n : HEAD_FRAMES;
  if (w->gate != NULL && w->nframes > 0)
    for (size_t i = 0; i < w->nframes; i++)
      if (w->frames[i].pc == w->gate->y_pc) {
        r->frame_sp = w->frames[i].sp;
        r->gate_depth = 1;
        break;
      }
  char frame[200];
  if (r->old_frame_func[0])
    ud_str_fmt(frame, sizeof frame, "%s+%d", r->old_frame_func, r->old_frame_off);
  else
    ud_str_fmt(frame, sizeof frame, "no frame known");
  if (access) {
    /* The thread that made the access, from the instruction that faulted:
     * its first frame names the code (Go or C) that did it. */
    r->access = w->access;
    r->c_stack_n = w->ucontext != NULL ? ud_cstack_capture_at(rt->tab, rt->bias, w->ucontext,
                                                              r->c_stack, UD_REPORT_MAX_FRAMES)
                                       : 0;
    if (r->c_stack_n > 0 && r->c_stack[0].pc == w->access_pc) {
      r->accessor = r->c_stack[0];
    } else {
      ud_symbolize_go(rt->tab, rt->bias, w->access_pc, 0, &r->accessor);
      if (r->accessor.func[0] == '\0')
        ud_str_fmt(r->accessor.func, sizeof r->accessor.func, "??");
    }
    r->accessor.sp = w->access_sp;
    if (r->c_stack_n == 0)
      r->c_stack[r->c_stack_n++] = r->accessor; /* not unwound: the access alone */
    ud_str_fmt(r->summary, sizeof r->summary,
               "%s of a left stack: %s (pc %#llx) %s %#llx (%s at the move); goroutine %lld left "
               "that stack [%#llx, %#llx) at a %s to %llu bytes with a cgo call open",
               ud_access_noun(w->access), r->accessor.func, (unsigned long long)w->access_pc,
               ud_access_verb(w->access), (unsigned long long)w->addr, frame, (long long)w->goid,
               (unsigned long long)w->left_lo, (unsigned long long)w->left_hi,
               w->growth ? "stack growth" : "stack shrink", (unsigned long long)w->newsize);
    report_finish(rt, r);
    return;
  }
  r->c_stack_n = ud_cstack_capture(rt->tab, rt->bias, r->c_stack, UD_REPORT_MAX_FRAMES);
  ud_str_fmt(r->summary, sizeof r->summary,
             "write into a left stack: %#llx (%s at the move) holds %#llx; goroutine %lld left "
             "that stack at a %s to %llu bytes with a cgo call open (%zu word(s) written since)",
             (unsigned long long)w->addr, frame, (unsigned long long)w->value, (long long)w->goid,
             w->growth ? "stack growth" : "stack shrink", (unsigned long long)w->newsize, w->nwords);
  report_finish(rt, r);
}

int ud_end_process(const ud_options *opt, const char *binary, const char *go_version, int status) {
  if (__atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == my_tid())
    return status; /* ending from inside this thread's own report */
  take_lock();
  ending = true;
  /* The last checks, which may report (under this lock, never released). */
  ud_quarantine_check_all();
  ud_counts_write_final(opt, binary, go_version);
  /* halt_on_error=0: the process went on after its reports; it still
   * ends as one that found something. */
  return reported ? opt->exitcode : status;
}
