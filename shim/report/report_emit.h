/* Room report/: writing a report. Rules (tests/e2e/report_path_libc.sh):
 *   - runs where a check found a violation: on the system stack, in a
 *     program that is about to stop, on a thread that may hold any of the
 *     program's locks (stdio's, malloc's);
 *   - formats with the report library's formatter and writes with write(2);
 *     no stdio, no printf family, no strerror, nothing from the program's
 *     heap (the shim's private allocator only);
 *   - one report at a time, under the shim's report lock. */
/* report_emit: turning a violation into an undead report (the model in
 * reportlib/report.h), writing it in the chosen format where log_path says
 * (report_out.h), then stopping the program as the options say. One report
 * at a time (a lock of its own guards the one static report). */
#ifndef UNDEAD_REPORT_EMIT_H
#define UNDEAD_REPORT_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "gate_table.h"
#include "gostack.h"
#include "options.h"
#include "rt.h"
#include "vocab.h"

/* What a check found, by value: nothing here points into the shim's
 * mutable state (gate is read-only after start-up). */
typedef struct ud_violation {
  enum ud_kind kind;
  enum ud_trigger trigger;
  const ud_gate_entry *gate;     /* NULL: no gate (a move in a plain system call) */
  int32_t gate_depth;    /* 1 = the goroutine's outermost open gate */
  uint64_t frame_sp;     /* the gate frame's SP in the stack walked */
  int64_t goid;
  size_t slot;           /* index in the gate's slots; SIZE_MAX: a g field */
  const char *g_field;   /* "syscallsp" / "syscallbp" when slot == SIZE_MAX */
  uint64_t value;
  enum ud_region points_to;
  uint64_t stale_lo, stale_hi; /* the range the value points into */
  uint64_t old_lo, old_hi;     /* the stack left (0 when none is known) */
  uint64_t new_lo, new_hi;     /* the current stack (0 when not yet known) */
  uint64_t newsize;            /* at a copy: size of the stack being made */
  uint64_t walk_pc, walk_sp, walk_lo, walk_hi; /* the Go stack for the report */
  bool walk_pc_is_ret;         /* the walk starts at a return address (X) */
  uint64_t mover_pc;           /* at a copy: the return address into newstack/shrinkstack */
  uint64_t syscall_pc;         /* move-in-syscall: g.syscallpc */
  uint64_t fp_slot;            /* stale-frame-pointer: where the stale link was read (0: the start) */
  /* stale-resume-point (value: the SP asmcgocall will resume at) */
  uint64_t word_at;            /* where asmcgocall's saved word is, on the system stack */
  uint64_t word;               /* what it holds */
  bool word_is_depth;          /* read as the depth below g.stack.hi (else as the SP) */
  uint64_t resume_want;        /* where the gate's return address Y is (0: not found) */
  /* longjmp-over-callback (value: the SP the jump restores; old_lo the C
   * stack pointer the open callback came from, old_hi m.g0.stack.hi) */
  uint64_t jmp_buf_at;         /* the jmp_buf */
  uint64_t jmp_pc;             /* where the jump lands (the setjmp's return) */
  /* left-stack-argument (g_field: the cgo wrapper whose argument block it is) */
  int32_t c_arg_off;           /* the word's offset in the block */
  uint64_t c_arg_at;           /* its address */
} ud_violation;

/* Writes the report; returns only if the program is to go on
 * (halt_on_error=0). Every call writes a report: reporting each (gate,
 * slot) once is the callers' doing (ud_gate_claim in verify.c). */
void ud_emit(const ud_options *opt, const ud_rt *rt, const ud_violation *v);

/* A quarantined left stack found written (check/quarantine.h), or an
 * access to one that its protection caught: its own payload, since nothing
 * in it is a gate frame's slot. access: UD_ACCESS_NONE for a word found
 * written when the stack was checked (left-stack-write); else the access
 * that faulted at addr (left-stack-access, when = access), made by the
 * instruction at access_pc of the thread whose signal context ucontext is
 * (the report's C stack is unwound from it; NULL: not unwound, the access
 * alone). */
typedef struct ud_left_stack_write {
  const ud_rt *rt;
  enum ud_trigger when;        /* quarantine-release, exit or access */
  enum ud_access access;
  uint64_t access_pc, access_sp;
  void *ucontext;
  int64_t goid;
  const ud_gate_entry *gate;    /* the innermost gate open at the move, or NULL */
  bool growth;                 /* the move: growth (else shrink) */
  uint64_t newsize;
  uint64_t addr, value;        /* the first word written, and what it holds (an access: the
                                  address, and 0) */
  size_t nwords;               /* words no longer poison (an access: 0) */
  uint64_t left_lo, left_hi, new_lo, new_hi;
  size_t nframes;              /* the frames on the left stack at the move */
  const ud_goframe *frames;
} ud_left_stack_write;

/* Returns only if the program is to go on (halt_on_error=0). */
void ud_emit_left_stack_write(const ud_left_stack_write *w);

/* The process is ending with this status (runtime.exit, or libc's exit in
 * a C host). Waits for a report in progress on another thread (which may
 * end the process itself, as its options say), writes the counts (once per
 * process: a second thread ending at the same time waits here until the
 * first has ended the process) and returns the status to end with: the
 * options' exitcode if any report was written (halt_on_error=0), else
 * status. Never lets a report start after it returns. */
int ud_end_process(const ud_options *opt, const char *binary, const char *go_version, int status);

#endif
