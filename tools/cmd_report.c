/* undead report: read the JSON reports of many processes, group them by
 * signature, and summarize, re-render (--text), merge into SARIF (--sarif)
 * or summarize as JSON (--json).
 *
 * Input files hold one report per line (what format=json with log_path
 * writes, possibly appended by several processes), and the counts record
 * each process writes at exit; blank lines are skipped. Anything else is
 * damage (a record cut by a full disk, a text log, a file that cannot be
 * read): it is named in one line on stderr (and in the SARIF log's
 * invocation), and every readable record is still summarised. A directory
 * stands for the regular files in it (a log directory); a pattern a shell
 * left unexpanded because nothing matched stands for nothing. The
 * input is read as a stream: lines are bounded, and memory grows with the
 * distinct violations, not with the reports. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "counts_record.h"
#include "json_read.h"
#include "report.h"
#include "report_groups.h"
#include "report_lines.h"

/* The longest line read. A report the shim writes is at most about 400 KB
 * (128 frames of escaped names); anything longer is not one. */
enum { MAX_LINE = 1 << 20 };

static const char usage[] =
    "usage: undead report [--text | --json] [--sarif OUT] [--] FILE|DIR...\n"
    "\n"
    "Reads undead JSON reports (one per line; format=json in UNDEAD_OPTIONS),\n"
    "groups duplicates by signature (kind, gate function, slot, X and Y lines)\n"
    "and prints one summary. A directory stands for the regular files in it\n"
    "(undead run --log-dir DIR writes there); '-' reads stdin. The counts each\n"
    "process writes at exit (what was checked) are summed: a run that checked\n"
    "nothing is warned about. Options come before the files; '--' ends them.\n"
    "  --text       render each distinct report as the shim would have, instead\n"
    "               of the summary\n"
    "  --json       print the summary as one JSON object (the last of --text and\n"
    "               --json wins)\n"
    "  --sarif OUT, --sarif=OUT\n"
    "               also write one SARIF 2.1.0 log of the distinct reports to OUT;\n"
    "               '-' is stdout, and then the summary (text, or JSON with\n"
    "               --json) goes to stderr and --text is ignored\n"
    "A damaged input (a record cut short, a line that is not one, a file that\n"
    "cannot be read) is named in one line on stderr and skipped; every readable\n"
    "record is still summarised, and the SARIF log names it in its invocation.\n"
    "Exit status: 0 no reports, 1 reports found (damaged inputs or not), 2 bad\n"
    "usage, or damaged input and no report, 3 the output could not be written,\n"
    "4 out of memory.\n";

/* An input that could not be read whole: the file, the first damaged line
 * (0: the file itself), and the line said about it on stderr. */
typedef struct damage {
  char *file;
  long line;
  char *message;
} damage;

typedef struct reader {
  ud_groups groups;
  char *buf;      /* the line buffer, MAX_LINE + 1 bytes, for every file */
  size_t files;   /* files read */
  ud_counts checked;  /* the counts records, summed */
  size_t counted;     /* processes that wrote one */
  damage *damaged;    /* one per damaged input, in input order */
  size_t ndamaged, damagecap;
} reader;

static int nomem(void) {
  fprintf(stderr, "undead report: out of memory\n");
  return UD_EXIT_NOMEM;
}

/* Names a damaged input in one line on stderr ("FILE[:LINE]: WHAT") and
 * keeps it for the SARIF log and the JSON summary. Returns 0 or
 * UD_EXIT_NOMEM. */
static int note_damage(reader *rd, const char *path, long line, const char *what) {
  if (line > 0)
    fprintf(stderr, "undead report: %s:%ld: %s\n", path, line, what);
  else
    fprintf(stderr, "undead report: %s: %s\n", path, what);
  if (rd->ndamaged == rd->damagecap) {
    size_t cap = rd->damagecap ? rd->damagecap * 2 : 16;
    damage *d = realloc(rd->damaged, cap * sizeof *d);
    if (d == NULL)
      return nomem();
    rd->damaged = d;
    rd->damagecap = cap;
  }
  damage *d = &rd->damaged[rd->ndamaged];
  d->file = strdup(path);
  d->message = strdup(what);
  d->line = line;
  if (d->file == NULL || d->message == NULL) {
    free(d->file), free(d->message);
    return nomem();
  }
  rd->ndamaged++;
  return 0;
}

/* The damage of one file: its first damaged line, and how many there were. */
typedef struct file_damage {
  long line;
  char why[320];
  size_t lines;
} file_damage;

static void damaged_line(file_damage *fd, long line, const char *why) {
  if (fd->lines++ == 0) {
    fd->line = line;
    snprintf(fd->why, sizeof fd->why, "%s", why);
  }
}

/* One line for the file: the first damaged line, what else was skipped. */
static int file_damaged(reader *rd, const char *path, const file_damage *fd, bool rest) {
  if (fd->lines == 0)
    return 0;
  char what[512];
  if (rest)
    snprintf(what, sizeof what, "%s: the rest of the file is skipped%s", fd->why,
             fd->lines > 1 ? ", and damaged lines before it" : "");
  else if (fd->lines > 1)
    snprintf(what, sizeof what, "%s: skipped, with %zu more damaged line(s) of this file", fd->why,
             fd->lines - 1);
  else
    snprintf(what, sizeof what, "%s: skipped", fd->why);
  return note_damage(rd, path, fd->line, what);
}

/* Reads the records in fd (named path in messages): every readable one is
 * counted, damaged lines are skipped (a cut record, invalid JSON, a text
 * report) and the file is given up at a line that cannot be a record (one
 * longer than MAX_LINE, binary data) or a read error; the damage is named
 * in one line. Returns 0 or UD_EXIT_NOMEM. */
static int read_fd(reader *rd, int fd, const char *path) {
  static ud_report rep; /* large: not on the stack */
  static file_damage dmg;
  memset(&dmg, 0, sizeof dmg);
  ud_lines l;
  ud_lines_init(&l, fd, rd->buf, MAX_LINE);
  rd->files++;
  char why[300];
  for (;;) {
    const char *line;
    size_t len;
    enum ud_line st = ud_lines_next(&l, &line, &len);
    if (st == UD_LINE_END)
      return file_damaged(rd, path, &dmg, false);
    if (st == UD_LINE_ERROR) {
      snprintf(why, sizeof why, "read error: %s", strerror(l.err));
      damaged_line(&dmg, l.lineno + 1, why);
      return file_damaged(rd, path, &dmg, true);
    }
    bool binary = memchr(st == UD_LINE_OK ? line : l.buf + l.start, '\0',
                         st == UD_LINE_OK ? len : l.end - l.start) != NULL;
    if (binary) {
      damaged_line(&dmg, l.lineno, "not a JSON report (binary data)");
      return file_damaged(rd, path, &dmg, true);
    }
    if (st == UD_LINE_TOO_LONG) {
      snprintf(why, sizeof why, "line longer than %d bytes: not an undead report", MAX_LINE);
      damaged_line(&dmg, l.lineno, why);
      return file_damaged(rd, path, &dmg, true);
    }
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
      k++;
    if (k == len)
      continue;
    if (line[k] != '{') {
      damaged_line(&dmg, l.lineno, "not a JSON report (is it a text report? use "
                                   "UNDEAD_OPTIONS=format=json)");
      continue;
    }
    static ud_counts_record counts;
    switch (ud_json_read_record(line, len, &rep, &counts, why, sizeof why)) {
    case UD_JSON_BAD:
      damaged_line(&dmg, l.lineno, why);
      break;
    case UD_JSON_COUNTS:
      ud_counts_add(&rd->checked, &counts.c);
      rd->counted++;
      break;
    case UD_JSON_REPORT:
      if (!ud_groups_add(&rd->groups, &rep, path, l.lineno))
        return nomem();
      break;
    }
  }
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *type_of(mode_t m) {
  return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
       : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "a special file";
}

/* Opens path without blocking (a FIFO would wait for a writer) and says
 * what it is. Returns the fd, or -1 with errno. */
static int open_nonblocking(int dirfd, const char *path, struct stat *st) {
  int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd >= 0 && fstat(fd, st) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* The regular files of a directory, in name order; other entries (sub-
 * directories, FIFOs, sockets) are not reports and are passed over. */
static int read_dir(reader *rd, int dfd, const char *path) {
  DIR *d = fdopendir(dfd);
  if (d == NULL) {
    int e = errno;
    close(dfd);
    return note_damage(rd, path, 0, strerror(e));
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int status = 0;
  errno = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL; errno = 0) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (n == cap) {
      char **q = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
      if (q == NULL) {
        status = nomem();
        break;
      }
      names = q;
    }
    if ((names[n] = strdup(e->d_name)) == NULL) {
      status = nomem();
      break;
    }
    n++;
  }
  if (status == 0 && errno != 0)
    status = note_damage(rd, path, 0, strerror(errno)); /* the names read so far are read */
  if (status == 0)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n && status == 0; i++) {
    size_t plen = strlen(path) + strlen(names[i]) + 2;
    char *full = malloc(plen);
    if (full == NULL) {
      status = nomem();
      break;
    }
    snprintf(full, plen, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
    struct stat st;
    int fd = open_nonblocking(dirfd(d), names[i], &st);
    if (fd < 0) {
      status = note_damage(rd, full, 0, strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
      status = read_fd(rd, fd, full);
    }
    if (fd >= 0)
      close(fd);
    free(full);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  closedir(d);
  return status;
}

static int read_path(reader *rd, const char *path);

/* A path that does not exist but looks like a shell pattern: a shell
 * passes a pattern through unchanged when nothing matches it, as a log
 * directory's files when the directory is empty. It is expanded here; no
 * match is no reports. */
static int read_pattern(reader *rd, const char *pattern) {
  glob_t g;
  int r = glob(pattern, 0, NULL, &g);
  if (r == GLOB_NOMATCH)
    return 0;
  if (r == GLOB_NOSPACE)
    return nomem();
  if (r != 0)
    return note_damage(rd, pattern, 0, "cannot read the directories it names");
  int status = 0;
  for (size_t i = 0; i < g.gl_pathc && status == 0; i++)
    status = read_path(rd, g.gl_pathv[i]);
  globfree(&g);
  return status;
}

static int read_path(reader *rd, const char *path) {
  if (strcmp(path, "-") == 0)
    return read_fd(rd, 0, "<stdin>");
  struct stat st;
  int fd = open_nonblocking(AT_FDCWD, path, &st);
  if (fd < 0) {
    if (errno == ENOENT && strpbrk(path, "*?[") != NULL)
      return read_pattern(rd, path);
    return note_damage(rd, path, 0, strerror(errno));
  }
  if (S_ISDIR(st.st_mode))
    return read_dir(rd, fd, path);
  int status;
  if (S_ISREG(st.st_mode)) {
    status = read_fd(rd, fd, path);
  } else {
    char what[64];
    snprintf(what, sizeof what, "%s, not a file of reports", type_of(st.st_mode));
    status = note_damage(rd, path, 0, what);
  }
  close(fd);
  return status;
}

static void print_time(FILE *out, int64_t ns) {
  time_t t = (time_t)(ns / 1000000000);
  struct tm tm;
  char buf[64];
  if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm))
    fprintf(out, "%s.%03dZ", buf, (int)(ns % 1000000000 / 1000000));
}

/* What the processes that wrote counts checked; a warning when they
 * checked nothing at all (a clean run that proves nothing: a report, such
 * as a longjmp's before any callback returned, is not that), a note when
 * no relocation was checked. */
static void checked_text(const reader *rd, FILE *out) {
  if (rd->counted == 0)
    return;
  char buf[512];
  ud_out o;
  ud_out_init_mem(&o, buf, sizeof buf);
  ud_counts_render_words(&rd->checked, &o);
  fprintf(out, "undead: checked in %zu process%s: %.*s\n", rd->counted, rd->counted == 1 ? "" : "es",
          (int)o.len, buf);
  if (rd->checked.reports != 0)
    return;
  if (rd->checked.gate_returns == 0 && rd->checked.relocations == 0)
    fprintf(out, "undead: warning: nothing was exercised: no callback from C into Go returned into "
                 "a gate, so no check ran\n");
  else if (rd->checked.relocations == 0)
    fprintf(out, "undead: note: no stack moved while a gate was open, so only the callback-return "
                 "checks ran (undead run --stress moves the stack at every callback)\n");
}

/* After the summary: that it is not of everything. */
static void damage_text(const reader *rd, FILE *out) {
  if (rd->ndamaged > 0)
    fprintf(out, "undead: warning: damage in %zu input%s (named on stderr): reports there may be "
                 "missing\n", rd->ndamaged, rd->ndamaged == 1 ? "" : "s");
}

static void summary_text(const reader *rd, FILE *out) {
  const ud_groups *s = &rd->groups;
  checked_text(rd, out);
  if (s->reports == 0) {
    fprintf(out, "undead: no reports (%zu file%s read)\n", rd->files, rd->files == 1 ? "" : "s");
    damage_text(rd, out);
    return;
  }
  fprintf(out, "undead: %zu report%s, %zu distinct violation%s, from %zu process%s\n", s->reports,
          s->reports == 1 ? "" : "s", s->n, s->n == 1 ? "" : "s", s->processes,
          s->processes == 1 ? "" : "es");
  for (size_t k = 0; k < s->n; k++) {
    const ud_group *g = s->g[k];
    const ud_report *r = &g->rep;
    char slot[96];
    ud_report_slot_label(r, slot, sizeof slot);
    fprintf(out, "\n[%zu] %zux %s in %s %s (X %s:%d, Y %s:%d)\n", k + 1, g->count,
            ud_kind_name(r->kind), r->gate_func, slot, ud_report_basename(r->x_file), r->x_line,
            ud_report_basename(r->y_file), r->y_line);
    fprintf(out, "    pids:");
    for (size_t i = 0; i < g->npids && i < 20; i++)
      fprintf(out, "%s %d", i ? "," : "", g->pids[i]);
    if (g->npids > 20)
      fprintf(out, ", ... (%zu in all)", g->npids);
    fprintf(out, "\n    first seen: %s:%ld (pid %d, goroutine %lld, %s", g->file, g->line, r->pid,
            (long long)r->goid, ud_trigger_name(r->trigger));
    if (r->time_ns) {
      fprintf(out, ", ");
      print_time(out, r->time_ns);
    }
    fprintf(out, ")\n    %s\n", r->summary);
    fprintf(out, "    signature: %s (fingerprint %016llx)\n", g->sig, (unsigned long long)g->hash);
  }
  damage_text(rd, out);
}

/* {"schema":"undead-report-summary/1","reports":N,"processes":N,
 *  "checked":{"processes":N,COUNTER:N...},"groups":[{"signature","fingerprint","count","pids":[...],
 *             "first_seen":{"file","line"},"report":{undead-report/1}}],
 *  "damaged":[{"file","line","message"}]}
 * Written with the report library (one JSON escaping rule) to fd; returns
 * 0 or an exit status. */
static int summary_json(const reader *rd, int fd) {
  const ud_groups *s = &rd->groups;
  static char one[1 << 20]; /* a report the reader accepted fits */
  char buf[8192];
  ud_out o;
  ud_out_init_fd(&o, fd, buf, sizeof buf);
  ud_out_fmt(&o, "{\"schema\":\"undead-report-summary/1\",\"reports\":%zu,\"processes\":%zu,"
                 "\"checked\":{\"processes\":%zu", s->reports, s->processes, rd->counted);
#define JSON(m, help) ud_out_fmt(&o, ",\"" #m "\":%llu", (unsigned long long)rd->checked.m);
  UD_COUNTERS(JSON)
#undef JSON
  ud_out_str(&o, "},\"groups\":[");
  for (size_t k = 0; k < s->n; k++) {
    const ud_group *g = s->g[k];
    ud_out_str(&o, k ? ",{\"signature\":" : "{\"signature\":");
    ud_out_json_str(&o, g->sig);
    ud_out_fmt(&o, ",\"fingerprint\":\"%016llx\",\"count\":%zu,\"pids\":[",
               (unsigned long long)g->hash, g->count);
    for (size_t i = 0; i < g->npids; i++)
      ud_out_fmt(&o, "%s%d", i ? "," : "", g->pids[i]);
    ud_out_str(&o, "],\"first_seen\":{\"file\":");
    ud_out_json_str(&o, g->file);
    ud_out_fmt(&o, ",\"line\":%ld},\"report\":", g->line);
    ud_out m;
    ud_out_init_mem(&m, one, sizeof one);
    ud_report_render_json(&g->rep, &m);
    if (m.len > 0 && one[m.len - 1] == '\n')
      m.len--;
    ud_out_mem(&o, one, m.len);
    ud_out_str(&o, "}");
  }
  ud_out_str(&o, "],\"damaged\":[");
  for (size_t k = 0; k < rd->ndamaged; k++) {
    ud_out_str(&o, k ? ",{\"file\":" : "{\"file\":");
    ud_out_json_str(&o, rd->damaged[k].file);
    ud_out_fmt(&o, ",\"line\":%ld,\"message\":", rd->damaged[k].line);
    ud_out_json_str(&o, rd->damaged[k].message);
    ud_out_str(&o, "}");
  }
  ud_out_str(&o, "]}\n");
  ud_out_flush(&o);
  if (o.error) {
    fprintf(stderr, "undead report: cannot write to %s: %s\n", fd == 1 ? "stdout" : "stderr",
            strerror(o.err));
    return UD_EXIT_OUTPUT;
  }
  return 0;
}

/* Writes the SARIF log; returns 0 or an exit status. */
static int write_sarif(const reader *rd, const char *path) {
  const ud_groups *s = &rd->groups;
  const ud_report **rs = malloc((s->n + 1) * sizeof *rs);
  uint32_t *counts = malloc((s->n + 1) * sizeof *counts);
  ud_sarif_note *notes = malloc((rd->ndamaged + 1) * sizeof *notes);
  if (rs == NULL || counts == NULL || notes == NULL) {
    free(rs);
    free(counts);
    free(notes);
    return nomem();
  }
  for (size_t k = 0; k < rd->ndamaged; k++) {
    const damage *d = &rd->damaged[k];
    bool stdin_ = strcmp(d->file, "<stdin>") == 0;
    notes[k] = (ud_sarif_note){stdin_ ? NULL : d->file, d->line, d->message};
  }
  for (size_t k = 0; k < s->n; k++) {
    rs[k] = &s->g[k]->rep;
    counts[k] = s->g[k]->count > UINT32_MAX ? UINT32_MAX : (uint32_t)s->g[k]->count;
  }
  bool to_stdout = strcmp(path, "-") == 0;
  int fd = to_stdout ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    fflush(stdout);
    char buf[8192];
    ud_out o;
    ud_out_init_fd(&o, fd, buf, sizeof buf);
    ud_report_render_sarif_log(rs, counts, s->n, notes, rd->ndamaged, &o);
    ud_out_flush(&o);
    err = o.error ? o.err : 0;
    if (!to_stdout && close(fd) != 0 && err == 0)
      err = errno;
  }
  free(rs);
  free(counts);
  free(notes);
  if (err != 0) {
    fprintf(stderr, "undead report: cannot write %s: %s\n", to_stdout ? "stdout" : path,
            strerror(err));
    return UD_EXIT_OUTPUT;
  }
  return 0;
}

/* Each distinct report as the shim would have written it; returns 0 or an
 * exit status. */
static int render_texts(const reader *rd) {
  char buf[8192];
  fflush(stdout);
  for (size_t k = 0; k < rd->groups.n; k++) {
    ud_out o;
    ud_out_init_fd(&o, 1, buf, sizeof buf);
    if (k > 0)
      ud_out_str(&o, "\n");
    ud_report_render_text(&rd->groups.g[k]->rep, &o, isatty(1));
    ud_out_flush(&o);
    if (o.error) {
      fprintf(stderr, "undead report: cannot write to stdout: %s\n", strerror(o.err));
      return UD_EXIT_OUTPUT;
    }
  }
  return 0;
}

/* The summary stream, checked: what cannot be written is an error. */
static int finish(FILE *out) {
  if (fflush(out) != 0 || ferror(out)) {
    fprintf(stderr, "undead report: cannot write to %s: %s\n", out == stdout ? "stdout" : "stderr",
            strerror(errno));
    return UD_EXIT_OUTPUT;
  }
  return 0;
}

int cmd_report(int argc, char **argv) {
  enum { SUMMARY, TEXT, JSON } mode = SUMMARY;
  const char *sarif = NULL;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      return UD_EXIT_CLEAN;
    }
    if (strcmp(a, "--text") == 0) {
      mode = TEXT;
    } else if (strcmp(a, "--json") == 0) {
      mode = JSON;
    } else if (strcmp(a, "--sarif") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "undead report: --sarif needs an output file (see undead report --help)\n");
        return UD_EXIT_INPUT;
      }
      sarif = argv[++i];
    } else if (strncmp(a, "--sarif=", 8) == 0) {
      sarif = a + 8;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "undead report: unknown option '%s' (see undead report --help)\n", a);
      return UD_EXIT_INPUT;
    } else {
      break;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "undead report: no report files given (see undead report --help)\n");
    return UD_EXIT_INPUT;
  }
  if (sarif && !sarif[0]) {
    fprintf(stderr, "undead report: --sarif needs an output file\n");
    return UD_EXIT_INPUT;
  }
  reader rd = {.buf = malloc(MAX_LINE + 1)};
  if (rd.buf == NULL)
    return nomem();
  int status = 0;
  for (; i < argc && status == 0; i++)
    status = read_path(&rd, argv[i]);
  free(rd.buf);
  bool sarif_stdout = sarif && strcmp(sarif, "-") == 0;
  if (status == 0 && sarif)
    status = write_sarif(&rd, sarif);
  if (status == 0) {
    FILE *out = sarif_stdout ? stderr : stdout;
    if (mode == TEXT && !sarif_stdout)
      status = render_texts(&rd);
    else if (mode == JSON)
      status = fflush(out) == 0 ? summary_json(&rd, out == stdout ? 1 : 2) : finish(out);
    else
      summary_text(&rd, out);
    if (status == 0 && out == stderr)
      status = finish(out); /* stdout is checked once, by main */
  }
  /* Reports found say so whatever else was damaged; damage alone is bad
   * input: a damaged record may have been a report. */
  if (status == 0)
    status = rd.groups.reports > 0 ? UD_EXIT_FINDINGS
           : rd.ndamaged > 0       ? UD_EXIT_INPUT
                                   : UD_EXIT_CLEAN;
  ud_groups_free(&rd.groups);
  for (size_t k = 0; k < rd.ndamaged; k++)
    free(rd.damaged[k].file), free(rd.damaged[k].message);
  free(rd.damaged);
  return status;
}
