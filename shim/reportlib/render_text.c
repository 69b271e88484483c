/* render_text: the report for people, in the sanitizers' style.
 *
 * Layout (the FileCheck files in tests/report pin the structure, not the addresses):
 *   ==PID==ERROR: undead: <what> in <gate> frame (goroutine N) during <trigger>
 *   a plain-language paragraph on the kind, the shim's one-line summary
 *   a picture of the gate frame (X, Y, the slot, the stacks)
 *   Slot / Value / Stacks lines, the Go stack, the C stack
 *   SUMMARY: undead: <kind> in <gate> <slot> (X file:line, Y file:line)
 * Everything goes through ud_out: no stdio, no malloc. Every field is
 * printed through a %s of the sink, which escapes a terminal's control
 * bytes (ud_out's escape flag): the pieces built in memory first (the
 * picture's lines, the quoted slot) are escaped when they reach it. */
#include "report.h"

#include <string.h>

enum { WRAP = 92, BOX = 58 };

typedef struct pen {
  ud_out *o;
  bool color;
} pen;

static void ansi(pen *p, const char *code) {
  if (p->color)
    ud_out_str(p->o, code);
}
#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define BLUE "\033[1;34m"
#define GREEN "\033[1;32m"
#define MAGENTA "\033[1;35m"
#define RESET "\033[0m"

static bool is_gfield(const ud_report *r) { return r->slot_kind == UD_RSLOT_G; }

/* The range in old_lo/old_hi is the stack the slot was checked against: at
 * a copy the one being left; for a g field, checked when the callback
 * returned, the goroutine's current stack, and named so. */
static bool checked_is_current(const ud_report *r) { return ud_kind_is_g_field(r->kind); }
static const char *checked_label(const ud_report *r) {
  return checked_is_current(r) ? "current" : "old";
}

/* "Slot: ", "Value: ", "Stacks: ": the labels of a report's lines. */
static void label(ud_out *o, pen *p, const char *text) {
  ansi(p, BLUE);
  ud_out_str(o, text);
  ansi(p, RESET);
}

/* "Value: " and the value, highlighted. */
static void value_label(ud_out *o, pen *p, uint64_t value) {
  label(o, p, "Value: ");
  ansi(p, GREEN);
  ud_out_fmt(o, "0x%llx", (unsigned long long)value);
  ansi(p, RESET);
}

/* "| <inner padded to BOX> |" */
static void box_line(ud_out *o, const char *inner) {
  ud_out_fmt(o, "    | %-*.*s |\n", BOX, BOX, inner);
}

static void box_rule(ud_out *o) {
  ud_out_str(o, "    +");
  for (int i = 0; i < BOX + 2; i++)
    ud_out_mem(o, "-", 1);
  ud_out_str(o, "+\n");
}

static void site_short(char *buf, size_t cap, const char *file, int32_t line) {
  ud_out m;
  ud_out_init_mem(&m, buf, cap);
  if (file[0])
    ud_out_fmt(&m, "%s:%d", ud_report_basename(file), line);
  else
    ud_out_str(&m, "?:?");
}

static void picture(const ud_report *r, ud_out *o, const char *slot) {
  char line[160], xs[96], ys[96];
  ud_out m;
  site_short(xs, sizeof xs, r->x_file, r->x_line);
  site_short(ys, sizeof ys, r->y_file, r->y_line);

  ud_out_fmt(o, "    %s frame, sp 0x%llx (%d bytes)\n", r->gate_func,
             (unsigned long long)r->frame_sp, r->frame_size);
  box_rule(o);
  ud_out_init_mem(&m, line, sizeof line);
  if (is_gfield(r))
    ud_out_fmt(&m, "X %-18s saved PC/SP, restored on return", xs);
  else
    ud_out_fmt(&m, "X %-18s the GC sees %s %s", xs, slot, r->live_at_x ? "live" : "dead");
  box_line(o, line);
  ud_out_init_mem(&m, line, sizeof line);
  if (is_gfield(r))
    ud_out_fmt(&m, "Y %-18s where the frame really is", ys);
  else
    ud_out_fmt(&m, "Y %-18s the copier sees %s %s", ys, slot, r->live_at_y ? "live" : "dead");
  box_line(o, line);
  ud_out_init_mem(&m, line, sizeof line);
  if (is_gfield(r))
    ud_out_fmt(&m, "(C runs)  g.%s = 0x%llx", r->slot_name, (unsigned long long)r->value);
  else
    ud_out_fmt(&m, "sp%+d %s = 0x%llx", r->slot_sp_off, slot, (unsigned long long)r->value);
  box_line(o, line);
  box_rule(o);
  ud_out_fmt(o, "%*s|  %s\n", 10, "",
             r->kind == UD_KIND_MOVE_IN_SYSCALL ? "saved by entersyscall, not adjusted by the move"
             : r->kind == UD_KIND_STALE_FRAME_POINTER ? "a link of the frame-pointer chain, not adjusted"
             : is_gfield(r)                    ? "restored when the callback returns"
                                               : "not adjusted by the copy");
  ud_out_fmt(o, "%*sv\n", 10, "");
  ud_out_fmt(o, "    stale   0x%llx in %s", (unsigned long long)r->value,
             ud_region_words(r->points_to));
  if (r->old_hi_off > 0)
    ud_out_fmt(o, ", top-0x%llx", (unsigned long long)r->old_hi_off);
  if (r->old_frame_func[0])
    ud_out_fmt(o, ": was %s sp%+d", r->old_frame_func, r->old_frame_off);
  ud_out_str(o, "\n");
  if (r->old_lo || r->old_hi)
    ud_out_fmt(o, "    %-7s [0x%llx, 0x%llx)  %s\n", checked_label(r), (unsigned long long)r->old_lo,
               (unsigned long long)r->old_hi,
               checked_is_current(r) ? "the goroutine's stack when the callback returned"
                                     : "the stack being left");
  if (r->new_lo || r->new_hi)
    ud_out_fmt(o, "    new     [0x%llx, 0x%llx)  the goroutine runs here now\n",
               (unsigned long long)r->new_lo, (unsigned long long)r->new_hi);
  else if (r->newsize)
    ud_out_fmt(o, "    new     (%llu bytes, being made)  the goroutine will run there\n",
               (unsigned long long)r->newsize);
}

static void stack(ud_out *o, const ud_report_frame *f, int32_t n) {
  if (n > UD_REPORT_MAX_FRAMES)
    n = UD_REPORT_MAX_FRAMES;
  if (n <= 0)
    ud_out_str(o, "    (none captured)\n");
  int num = 0;
  for (int32_t i = 0; i < n; i++) {
    if (f[i].pc == 0 && f[i].func[0] == '.') {
      ud_out_fmt(o, "    %s\n", f[i].func); /* an elision marker */
      continue;
    }
    ud_out_fmt(o, "    #%d 0x%llx in %s", num++, (unsigned long long)f[i].pc,
               f[i].func[0] ? f[i].func : "??");
    if (f[i].file[0])
      ud_out_fmt(o, " %s:%d", f[i].file, f[i].line);
    ud_out_str(o, "\n");
  }
}

/* A word of a quarantined left stack (left-stack-write): where, what, the
 * frame it belonged to, the two stacks. */
static void left_stack_word(const ud_report *r, ud_out *o, pen *p) {
  label(o, p, "Write: ");
  ud_out_fmt(o, "0x%llx, %lld (0x%llx) bytes below the top of the left stack, now holds ",
             (unsigned long long)r->slot_addr, (long long)r->old_hi_off,
             (unsigned long long)r->old_hi_off);
  ansi(p, GREEN);
  ud_out_fmt(o, "0x%llx", (unsigned long long)r->value);
  ansi(p, RESET);
  ud_out_str(o, " (the bytes that differ from the poison were written)\n");
  if (r->old_frame_func[0])
    ud_out_fmt(o, "       at the move that address was in the frame of %s, at sp%+d\n",
               r->old_frame_func, r->old_frame_off);
  label(o, p, "Stacks: ");
  ud_out_fmt(o, "left [0x%llx, 0x%llx) %llu bytes -> new [0x%llx, 0x%llx) %llu bytes, moved with "
                "a cgo call open; checked at the %s\n",
             (unsigned long long)r->old_lo, (unsigned long long)r->old_hi,
             (unsigned long long)(r->old_hi - r->old_lo), (unsigned long long)r->new_lo,
             (unsigned long long)r->new_hi, (unsigned long long)(r->new_hi - r->new_lo),
             ud_trigger_words(r->trigger));
}

/* asmcgocall's saved word (stale-resume-point): where it is, where the
 * goroutine would resume, where it should. */
static void resume_word(const ud_report *r, ud_out *o, pen *p) {
  label(o, p, "Slot: ");
  ud_out_fmt(o, "%s, at 0x%llx on the thread's system stack (asmcgocall's frame)\n", r->slot_name,
             (unsigned long long)r->slot_addr);
  label(o, p, "Resume: ");
  ud_out_str(o, "SP ");
  ansi(p, GREEN);
  ud_out_fmt(o, "0x%llx", (unsigned long long)r->value);
  ansi(p, RESET);
  ud_out_fmt(o, " in %s", ud_region_words(r->points_to));
  if (r->old_hi_off > 0)
    ud_out_fmt(o, ", %lld (0x%llx) bytes below its top", (long long)r->old_hi_off,
               (unsigned long long)r->old_hi_off);
  ud_out_str(o, "\n");
  ud_out_fmt(o, "        it should resume on the gate's return address Y, just below its frame "
                "at 0x%llx\n",
             (unsigned long long)r->frame_sp);
  label(o, p, "Stacks: ");
  if (r->old_lo || r->old_hi)
    ud_out_fmt(o, "left [0x%llx, 0x%llx) %llu bytes -> ", (unsigned long long)r->old_lo,
               (unsigned long long)r->old_hi, (unsigned long long)(r->old_hi - r->old_lo));
  ud_out_fmt(o, "current [0x%llx, 0x%llx) %llu bytes (%s)\n", (unsigned long long)r->new_lo,
             (unsigned long long)r->new_hi, (unsigned long long)(r->new_hi - r->new_lo),
             ud_trigger_words(r->trigger));
}

/* The C stack a callback came from, outside the system stack bounds
 * (stale-system-stack). */
static void system_stack_bounds(const ud_report *r, ud_out *o, pen *p) {
  label(o, p, "Slot: ");
  ud_out_fmt(o, "%s, the C stack pointer cgocallback saved when C called back\n", r->slot_name);
  value_label(o, p, r->value);
  ud_out_fmt(o, " is in %s\n", ud_region_words(r->points_to));
  label(o, p, "Stacks: ");
  ud_out_fmt(o, "system (m.g0.stack) [0x%llx, 0x%llx] %llu bytes, as the runtime keeps it; the "
                "goroutine's [0x%llx, 0x%llx) (%s)\n",
             (unsigned long long)r->old_lo, (unsigned long long)r->old_hi,
             (unsigned long long)(r->old_hi - r->old_lo), (unsigned long long)r->new_lo,
             (unsigned long long)r->new_hi, ud_trigger_words(r->trigger));
}

/* A longjmp over an open callback (longjmp-over-callback): where the jump
 * goes and the callback it would abandon. */
static void jump_target(const ud_report *r, ud_out *o, pen *p) {
  label(o, p, "Slot: ");
  ud_out_fmt(o, "the stack pointer the jmp_buf at 0x%llx restores\n", (unsigned long long)r->slot_addr);
  value_label(o, p, r->value);
  ud_out_fmt(o, " is in %s\n", ud_region_words(r->points_to));
  label(o, p, "Stacks: ");
  ud_out_fmt(o, "C called back into Go at SP 0x%llx on the system stack (top 0x%llx, "
                "m.g0.stack.hi); the goroutine's [0x%llx, 0x%llx) holds the callback's frames, "
                "below the gate frames of the C calls that called back\n",
             (unsigned long long)r->old_lo, (unsigned long long)r->old_hi,
             (unsigned long long)r->new_lo, (unsigned long long)r->new_hi);
}

/* An access to a held left stack, caught by its protection
 * (left-stack-access): what it did, where, the code that did it, the frame
 * the address belonged to, the two stacks. */
static void left_stack_access(const ud_report *r, ud_out *o, pen *p) {
  const ud_report_frame *a = &r->accessor;
  label(o, p, "Access: ");
  ud_out_fmt(o, "a %s at ", ud_access_noun(r->access));
  ansi(p, GREEN);
  ud_out_fmt(o, "0x%llx", (unsigned long long)r->slot_addr);
  ansi(p, RESET);
  ud_out_fmt(o, ", %lld (0x%llx) bytes below the top of the left stack\n", (long long)r->old_hi_off,
             (unsigned long long)r->old_hi_off);
  ud_out_fmt(o, "        by 0x%llx in %s", (unsigned long long)a->pc, a->func[0] ? a->func : "??");
  if (a->file[0])
    ud_out_fmt(o, " %s:%d", a->file, a->line);
  ud_out_fmt(o, " on thread %d\n", r->tid);
  ud_out_str(o, "        stopped before it happened: the held stack is inaccessible\n");
  if (r->old_frame_func[0])
    ud_out_fmt(o, "        at the move that address was in the frame of %s, at sp%+d\n",
               r->old_frame_func, r->old_frame_off);
  label(o, p, "Stacks: ");
  ud_out_fmt(o, "left [0x%llx, 0x%llx) %llu bytes -> new [0x%llx, 0x%llx) %llu bytes, moved with "
                "a cgo call open\n",
             (unsigned long long)r->old_lo, (unsigned long long)r->old_hi,
             (unsigned long long)(r->old_hi - r->old_lo), (unsigned long long)r->new_lo,
             (unsigned long long)r->new_hi, (unsigned long long)(r->new_hi - r->new_lo));
}

void ud_report_render_text(const ud_report *r, ud_out *o, bool color) {
  pen p = {o, color};
  /* Every name and field comes from a binary or a file: escaped (report.h) */
  bool was_escaping = o->escape;
  o->escape = true;
  char slot[96], quoted[100];
  ud_report_slot_label(r, slot, sizeof slot);
  ud_out m;
  ud_out_init_mem(&m, quoted, sizeof quoted);
  ud_out_fmt(&m, "'%s'", slot);

  ansi(&p, RED);
  if (r->gate_func[0] ||
      (r->kind != UD_KIND_STALE_SYSTEM_STACK && r->kind != UD_KIND_LONGJMP_OVER_CALLBACK))
    ud_out_fmt(o, "==%d==ERROR: undead: %s in %s frame (goroutine %lld) during %s\n", r->pid,
               ud_kind_words(r->kind), r->gate_func[0] ? r->gate_func : "?", (long long)r->goid,
               ud_trigger_words(r->trigger));
  else /* a callback on a thread C made: no cgo call open, no gate */
    ud_out_fmt(o, "==%d==ERROR: undead: %s in a callback from C (goroutine %lld) during %s\n",
               r->pid, ud_kind_words(r->kind), (long long)r->goid, ud_trigger_words(r->trigger));
  ansi(&p, RESET);
  const char *help = ud_kind_help(r->kind);
  if (help)
    ud_out_wrap(o, help, 4, WRAP);
  if (r->summary[0]) {
    ansi(&p, BOLD);
    ud_out_wrap(o, r->summary, 2, WRAP);
    ansi(&p, RESET);
  }
  ud_out_fmt(o, "  program %s (%s), pid %d, thread %d\n", r->binary[0] ? r->binary : "?",
             r->go_version[0] ? r->go_version : "unknown Go", r->pid, r->tid);

  ud_out_str(o, "\n");
  if (r->kind == UD_KIND_STALE_SYSTEM_STACK) {
    system_stack_bounds(r, o, &p);
    goto stacks;
  }
  if (r->kind == UD_KIND_LONGJMP_OVER_CALLBACK && !r->gate_func[0]) {
    jump_target(r, o, &p);
    goto stacks;
  }
  ansi(&p, BLUE);
  ud_out_fmt(o, "The gate frame: %s (gate depth %d)\n", r->gate_func, r->gate_depth);
  ansi(&p, RESET);
  ud_out_fmt(o, "  X 0x%llx %s:%d after the call to %s\n", (unsigned long long)r->x_pc,
             r->x_file[0] ? r->x_file : "?", r->x_line, r->x_callee[0] ? r->x_callee : "?");
  ud_out_str(o, "      the saved PC: while C runs, the GC scans this frame as if stopped here\n");
  ud_out_fmt(o, "  Y 0x%llx %s:%d after the call to %s\n", (unsigned long long)r->y_pc,
             r->y_file[0] ? r->y_file : "?", r->y_line, r->y_callee[0] ? r->y_callee : "?");
  ud_out_str(o, "      the real PC: the frame is stopped here, and a stack copy adjusts it by this PC\n");
  ud_out_str(o, "\n");
  if (r->slot_kind == UD_RSLOT_STACK_WORD) {
    if (r->kind == UD_KIND_LEFT_STACK_ACCESS)
      left_stack_access(r, o, &p);
    else
      left_stack_word(r, o, &p);
    goto stacks;
  }
  if (r->slot_kind == UD_RSLOT_SYSTEM_WORD) {
    resume_word(r, o, &p);
    goto stacks;
  }
  if (r->slot_kind == UD_RSLOT_JMP_BUF) {
    jump_target(r, o, &p);
    goto stacks;
  }
  /* a word of an argument block, not a slot of the gate frame: no picture */
  if (r->slot_kind != UD_RSLOT_C_ARG) {
    picture(r, o, quoted);
    ud_out_str(o, "\n");
  }
  label(o, &p, "Slot: ");
  if (r->slot_kind == UD_RSLOT_C_ARG) {
    ud_out_fmt(o, "word +%d (address 0x%llx) of the argument block %.*s passes to C\n",
               r->slot_sp_off, (unsigned long long)r->slot_addr, (int)strcspn(r->slot_name, "+"),
               r->slot_name);
  } else if (r->kind == UD_KIND_STALE_FRAME_POINTER) {
    ud_out_fmt(o, "the frame-pointer chain of goroutine %lld from %s", (long long)r->goid,
               r->slot_name);
    if (r->slot_addr)
      ud_out_fmt(o, ", the link saved at 0x%llx", (unsigned long long)r->slot_addr);
    ud_out_str(o, "\n");
  } else if (r->kind == UD_KIND_MOVE_IN_SYSCALL) {
    ud_out_fmt(o, "g.%s of goroutine %lld, the stack pointer saved when it entered the call\n",
               r->slot_name, (long long)r->goid);
  } else if (is_gfield(r)) {
    ud_out_fmt(o, "g.%s of goroutine %lld, the saved syscall state reentersyscall restores\n",
               r->slot_name, (long long)r->goid);
  } else {
    ud_out_fmt(o, "%s %s at sp%+d of the gate frame", ud_rslot_name(r->slot_kind), quoted,
               r->slot_sp_off);
    if (r->slot_addr)
      ud_out_fmt(o, " (address 0x%llx)", (unsigned long long)r->slot_addr);
    ud_out_fmt(o, ": %s at X, %s at Y\n", r->live_at_x ? "live" : "dead",
               r->live_at_y ? "live" : "dead");
  }
  value_label(o, &p, r->value);
  ud_out_fmt(o, " points into %s", ud_region_words(r->points_to));
  if (r->old_hi_off > 0)
    ud_out_fmt(o, ", %lld (0x%llx) bytes below its top", (long long)r->old_hi_off,
               (unsigned long long)r->old_hi_off);
  ud_out_str(o, "\n");
  if (r->old_frame_func[0])
    ud_out_fmt(o, "       before the move that address was in the frame of %s, at sp%+d\n",
               r->old_frame_func, r->old_frame_off);
  label(o, &p, "Stacks: ");
  ud_out_fmt(o, "%s [0x%llx, 0x%llx) %llu bytes", checked_label(r), (unsigned long long)r->old_lo,
             (unsigned long long)r->old_hi, (unsigned long long)(r->old_hi - r->old_lo));
  if (r->new_lo || r->new_hi)
    ud_out_fmt(o, " -> new [0x%llx, 0x%llx) %llu bytes", (unsigned long long)r->new_lo,
               (unsigned long long)r->new_hi, (unsigned long long)(r->new_hi - r->new_lo));
  else if (r->newsize)
    ud_out_fmt(o, " -> new stack of %llu bytes", (unsigned long long)r->newsize);
  ud_out_fmt(o, " (%s)\n", ud_trigger_words(r->trigger));

stacks:
  ud_out_str(o, "\n");
  ansi(&p, BLUE);
  if (r->slot_kind == UD_RSLOT_STACK_WORD)
    ud_out_fmt(o, "Go stack of goroutine %lld on the left stack, at the move:\n", (long long)r->goid);
  else
    ud_out_fmt(o, "Go stack of goroutine %lld at the %s:\n", (long long)r->goid,
               ud_trigger_words(r->trigger));
  ansi(&p, RESET);
  stack(o, r->go_stack, r->go_stack_n);
  ansi(&p, BLUE);
  ud_out_fmt(o, "C stack of thread %d%s:\n", r->tid,
             r->access != UD_ACCESS_NONE ? " at the access" : "");
  ansi(&p, RESET);
  stack(o, r->c_stack, r->c_stack_n);

  ud_out_str(o, "\n");
  ansi(&p, MAGENTA);
  ud_report_render_summary(r, o);
  ansi(&p, RESET);
  o->escape = was_escaping;
}

void ud_report_render_summary(const ud_report *r, ud_out *o) {
  char slot[96];
  ud_report_slot_label(r, slot, sizeof slot);
  bool was_escaping = o->escape;
  o->escape = true;
  if (r->kind == UD_KIND_LONGJMP_OVER_CALLBACK)
    ud_out_fmt(o, "SUMMARY: undead: %s in %s: %s 0x%llx above the open callback's C SP 0x%llx\n",
               ud_kind_name(r->kind), r->gate_func[0] ? r->gate_func : "a callback from C", slot,
               (unsigned long long)r->value, (unsigned long long)r->old_lo);
  else if (r->kind == UD_KIND_STALE_SYSTEM_STACK)
    ud_out_fmt(o, "SUMMARY: undead: %s in %s: %s 0x%llx outside m.g0.stack [0x%llx, 0x%llx]\n",
               ud_kind_name(r->kind), r->gate_func[0] ? r->gate_func : "a callback from C", slot,
               (unsigned long long)r->value, (unsigned long long)r->old_lo,
               (unsigned long long)r->old_hi);
  else
    ud_out_fmt(o, "SUMMARY: undead: %s in %s %s (X %s:%d, Y %s:%d)\n", ud_kind_name(r->kind),
               r->gate_func, slot,
               ud_report_basename(r->x_file), r->x_line, ud_report_basename(r->y_file), r->y_line);
  o->escape = was_escaping;
}
