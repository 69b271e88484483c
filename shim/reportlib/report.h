/* report: one model of an undead report, several renderings.
 *
 * The shim fills a ud_report at the moment of a violation and renders it
 * (text, JSON or SARIF) through a ud_out that writes to a file descriptor
 * without locks or heap allocation of the target. The undead command reads
 * JSON reports back into the same model (json_read.h) and re-renders them. Closed
 * vocabularies (kind, trigger, region, slot kind) are enums of vocab.h;
 * every string is NUL-terminated and truncated to its array. */
#ifndef UNDEAD_REPORT_H
#define UNDEAD_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vocab.h"

#define UD_REPORT_SCHEMA "undead-report/1"
#define UD_REPORT_MAX_FRAMES 64
#define UD_REPORT_PATH_MAX 4096 /* Linux's PATH_MAX: a path readlink can return */

typedef struct ud_report_frame {
  uint64_t pc;
  uint64_t sp;        /* 0 if unknown (C frames) */
  char func[160];
  char file[256];     /* empty if unknown */
  int32_t line;       /* 0 if unknown */
} ud_report_frame;

typedef struct ud_report {
  /* what happened */
  enum ud_kind kind;
  enum ud_trigger trigger;
  int32_t pid, tid;
  int64_t goid;
  char binary[UD_REPORT_PATH_MAX];
  char go_version[128];   /* "go1.26.8 X:norandomizedheapbase64,..." with experiments */

  /* the gate frame */
  char gate_func[160];
  uint64_t x_pc; char x_file[256]; int32_t x_line; char x_callee[96];
  uint64_t y_pc; char y_file[256]; int32_t y_line; char y_callee[96];
  uint64_t frame_sp;      /* the gate frame's SP in the stack being checked */
  int32_t frame_size;     /* spdelta at X */
  int32_t gate_depth;     /* 1 = outermost gate of the goroutine */

  /* the slot */
  enum ud_rslot slot_kind; /* an arg or local of the gate frame, or a field of g */
  char slot_name[64];     /* Go variable name, or "" */
  int32_t slot_sp_off;    /* offset from frame_sp */
  uint64_t slot_addr;
  uint64_t value;
  bool live_at_x, live_at_y;

  /* what the value points to */
  enum ud_region points_to;
  int64_t old_hi_off;     /* top of that stack - value, when it is one of the goroutine's own */
  char old_frame_func[160]; /* the frame that held that address before the move */
  int32_t old_frame_off;    /* value - that frame's sp */

  /* the stacks: old is the one the gate frame was read from (at a copy,
   * the stack being left; for a g field, the current stack) */
  uint64_t old_lo, old_hi, new_lo, new_hi;

  ud_report_frame go_stack[UD_REPORT_MAX_FRAMES]; int32_t go_stack_n;
  ud_report_frame c_stack[UD_REPORT_MAX_FRAMES]; int32_t c_stack_n;

  char summary[320];

  /* appended in undead-report/1; zero when the writer did not fill them */
  int64_t time_ns;        /* CLOCK_REALTIME at the report, ns since the epoch */
  uint64_t newsize;       /* at a stack copy: size of the stack being made */

  /* left-stack-access: what the access did and the instruction that made
   * it (its function named from the Go function table, or by libunwind for
   * C); UD_ACCESS_NONE and zeros in every other report */
  enum ud_access access;
  ud_report_frame accessor;
} ud_report;

/* An output sink: a fixed buffer flushed to fd with write(2), or (fd < 0) a
 * caller-owned memory buffer. No locks, no malloc. */
typedef struct ud_out {
  int fd;
  char *buf;
  size_t cap, len;
  bool overflow;   /* memory sink ran out of room */
  bool error;      /* write(2) failed */
  int err;         /* its errno */
  /* For a terminal: the bytes of every %s argument that a terminal would
   * act on (C0 controls, DEL, UTF-8 C1 controls) are written as \xNN, so
   * that a name (a file, a program, a function) cannot move the cursor,
   * recolour or retitle the reader's screen. The format's own text and
   * ud_out_str/ud_out_mem are written as they are. */
  bool escape;
  /* > 0: a write that makes no progress for this long fails with
   * ETIMEDOUT (poll before each write of at most PIPE_BUF bytes), for a
   * descriptor that may stop taking bytes (a pipe nobody drains). */
  int timeout_ms;
} ud_out;

void ud_out_init_fd(ud_out *o, int fd, char *buf, size_t cap);
void ud_out_init_mem(ud_out *o, char *buf, size_t cap);
void ud_out_str(ud_out *o, const char *s);
void ud_out_mem(ud_out *o, const char *s, size_t n);
/* The project's formatter: a subset of printf (report.c says which) that
 * needs neither stdio nor malloc. Everything on the report path formats
 * with it. */
void ud_out_fmt(ud_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ud_out_vfmt(ud_out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* text word-wrapped at `width` columns, each line indented by `indent`. */
void ud_out_wrap(ud_out *o, const char *text, int indent, int width);
/* snprintf's job with the formatter above: into buf[0..cap), always
 * NUL-terminated (when cap > 0), truncated if need be. */
void ud_str_fmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ud_out_flush(ud_out *o);

/* Renderings. Each writes one complete document for one report. */
void ud_report_render_text(const ud_report *r, ud_out *o, bool color);
/* The text rendering's last line alone: "SUMMARY: undead: ...\n". */
void ud_report_render_summary(const ud_report *r, ud_out *o);
void ud_report_render_json(const ud_report *r, ud_out *o);   /* one line */
/* SARIF 2.1.0 log with one run and one result per report in rs[0..n). */
void ud_report_render_sarif(const ud_report *const *rs, size_t n, ud_out *o);
/* The same, for reports already grouped: rs[i] stands for counts[i]
 * occurrences (counts may be NULL: 1 each); no deduplication is done. */
void ud_report_render_sarif_grouped(const ud_report *const *rs, const uint32_t *counts, size_t n,
                                    ud_out *o);
/* A problem with the tool's input, for the run's invocation: a
 * toolExecutionNotification (level error) located at file:line (file NULL:
 * no location; line 0: the whole file). */
typedef struct ud_sarif_note {
  const char *file;
  long line;
  const char *text;
} ud_sarif_note;
/* The grouped log, with notes[0..nnotes) in runs[0].invocations[0]
 * (no invocations when there are none). */
void ud_report_render_sarif_log(const ud_report *const *rs, const uint32_t *counts, size_t n,
                                const ud_sarif_note *notes, size_t nnotes, ud_out *o);

/* The stable signature used to group duplicates: gate function, slot, X and
 * Y lines, kind. Written to buf (NUL-terminated). */
void ud_report_signature(const ud_report *r, char *buf, size_t cap);
/* The room every signature is built in (a longer one is cut there, the
 * same everywhere, so equal reports keep equal fingerprints). */
enum { UD_SIGNATURE_MAX = 640 };
/* FNV-1a 64 of the signature: a short fingerprint (SARIF, summaries). */
uint64_t ud_report_signature_hash(const ud_report *r);
/* FNV-1a 64 of a signature already built: ud_report_signature_hash(r) is
 * this hash of what ud_report_signature(r) writes into UD_SIGNATURE_MAX
 * bytes. */
uint64_t ud_signature_hash(const char *sig);

/* The slot as people name it: the Go variable, "g.syscallsp" for a g field,
 * else "arg@sp+N" / "local@sp+N". */
void ud_report_slot_label(const ud_report *r, char *buf, size_t cap);
const char *ud_report_basename(const char *path);

/* s[0..n) as ud_out's escape flag writes it: a terminal's control bytes
 * as \xNN, everything else as it is. */
void ud_out_escaped(ud_out *o, const char *s, size_t n);

/* s as a JSON string literal (quotes included): control characters escaped,
 * invalid UTF-8 replaced by U+FFFD, so the output is always valid JSON. */
void ud_out_json_str(ud_out *o, const char *s);

#endif
