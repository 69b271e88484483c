/* undead report: read the JSON reports of many processes, group them by
 * signature, and summarize, re-render (--text), merge into SARIF (--sarif)
 * or summarize as JSON (--json).
 *
 * Input files hold one report per line (what format=json with log_path
 * writes, possibly appended by several processes); blank lines are
 * skipped, anything else that is not a report is an error (exit 2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "json_read.h"
#include "report.h"

static const char usage[] =
    "usage: undead report [--text | --json | --sarif OUT] FILE...\n"
    "\n"
    "Reads undead JSON reports (one per line; format=json in UNDEAD_OPTIONS),\n"
    "groups duplicates by signature (kind, gate function, slot, X and Y lines)\n"
    "and prints one summary.\n"
    "  --text       render each distinct report as the shim would have\n"
    "  --json       print the summary as one JSON object\n"
    "  --sarif OUT  also write one SARIF 2.1.0 log of the distinct reports to OUT\n"
    "               ('-' for stdout, then the summary goes to stderr)\n"
    "Exit status: 0 no reports, 1 reports found, 2 bad usage or input.\n";

typedef struct entry {
  ud_report rep;
  const char *file;
  long line;
} entry;

typedef struct group {
  char sig[640];
  size_t first;   /* index into entries of the earliest report */
  size_t count;
  int32_t *pids;  /* distinct, in order of appearance */
  size_t npids, pidcap;
} group;

typedef struct state {
  entry *e;
  size_t n, cap;
  group *g;
  size_t ng, gcap;
} state;

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (q == NULL) {
    fprintf(stderr, "undead report: out of memory\n");
    exit(2);
  }
  return q;
}

static bool read_file(state *st, const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "undead report: %s: %s\n", path, strerror(errno));
    return false;
  }
  char *line = NULL;
  size_t lcap = 0;
  ssize_t len;
  long lineno = 0;
  bool ok = true;
  while ((len = getline(&line, &lcap, f)) >= 0) {
    lineno++;
    if (memchr(line, '\0', (size_t)len) != NULL) {
      fprintf(stderr, "undead report: %s:%ld: not a JSON report (binary data)\n", path, lineno);
      ok = false;
      break;
    }
    size_t k = 0;
    while (k < (size_t)len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\n' ||
                               line[k] == '\r'))
      k++;
    if (k == (size_t)len)
      continue;
    if (st->n == st->cap) {
      st->cap = st->cap ? st->cap * 2 : 16;
      st->e = xrealloc(st->e, st->cap * sizeof *st->e);
    }
    entry *e = &st->e[st->n];
    char why[300];
    if (line[k] != '{') {
      fprintf(stderr, "undead report: %s:%ld: not a JSON report (is it a text report? use "
                      "UNDEAD_OPTIONS=format=json)\n", path, lineno);
      ok = false;
      break;
    }
    if (!ud_json_read_report(line, (size_t)len, &e->rep, why, sizeof why)) {
      fprintf(stderr, "undead report: %s:%ld: %s\n", path, lineno, why);
      ok = false;
      break;
    }
    e->file = path;
    e->line = lineno;
    st->n++;
  }
  if (ok && ferror(f)) {
    fprintf(stderr, "undead report: %s: read error: %s\n", path, strerror(errno));
    ok = false;
  }
  free(line);
  if (f != stdin)
    fclose(f);
  return ok;
}

/* Earlier = smaller time_ns when both have one, else input order. */
static bool earlier(const entry *a, const entry *b) {
  if (a->rep.time_ns != 0 && b->rep.time_ns != 0)
    return a->rep.time_ns < b->rep.time_ns;
  return false;
}

static void group_all(state *st) {
  for (size_t i = 0; i < st->n; i++) {
    char sig[640];
    ud_report_signature(&st->e[i].rep, sig, sizeof sig);
    group *g = NULL;
    for (size_t k = 0; k < st->ng; k++)
      if (strcmp(st->g[k].sig, sig) == 0) {
        g = &st->g[k];
        break;
      }
    if (g == NULL) {
      if (st->ng == st->gcap) {
        st->gcap = st->gcap ? st->gcap * 2 : 8;
        st->g = xrealloc(st->g, st->gcap * sizeof *st->g);
      }
      g = &st->g[st->ng++];
      memset(g, 0, sizeof *g);
      snprintf(g->sig, sizeof g->sig, "%s", sig);
      g->first = i;
    } else if (earlier(&st->e[i], &st->e[g->first])) {
      g->first = i;
    }
    g->count++;
    int32_t pid = st->e[i].rep.pid;
    bool have = false;
    for (size_t k = 0; k < g->npids && !have; k++)
      have = g->pids[k] == pid;
    if (!have) {
      if (g->npids == g->pidcap) {
        g->pidcap = g->pidcap ? g->pidcap * 2 : 4;
        g->pids = xrealloc(g->pids, g->pidcap * sizeof *g->pids);
      }
      g->pids[g->npids++] = pid;
    }
  }
}

static size_t distinct_pids(const state *st) {
  size_t n = 0;
  for (size_t i = 0; i < st->n; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++)
      seen = st->e[j].rep.pid == st->e[i].rep.pid;
    n += !seen;
  }
  return n;
}

static void print_time(FILE *out, int64_t ns) {
  time_t t = (time_t)(ns / 1000000000);
  struct tm tm;
  char buf[64];
  if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm))
    fprintf(out, "%s.%03dZ", buf, (int)(ns % 1000000000 / 1000000));
}

static void summary_text(const state *st, FILE *out) {
  fprintf(out, "undead: %zu report%s, %zu distinct violation%s, from %zu process%s\n", st->n,
          st->n == 1 ? "" : "s", st->ng, st->ng == 1 ? "" : "s", distinct_pids(st),
          distinct_pids(st) == 1 ? "" : "es");
  for (size_t k = 0; k < st->ng; k++) {
    const group *g = &st->g[k];
    const entry *e = &st->e[g->first];
    const ud_report *r = &e->rep;
    char slot[96];
    ud_report_slot_label(r, slot, sizeof slot);
    fprintf(out, "\n[%zu] %zux %s in %s %s (X %s:%d, Y %s:%d)\n", k + 1, g->count,
            ud_kind_name(r->kind),
            r->gate_func, slot, ud_report_basename(r->x_file), r->x_line,
            ud_report_basename(r->y_file), r->y_line);
    fprintf(out, "    pids:");
    for (size_t i = 0; i < g->npids && i < 20; i++)
      fprintf(out, "%s %d", i ? "," : "", g->pids[i]);
    if (g->npids > 20)
      fprintf(out, ", ... (%zu in all)", g->npids);
    fprintf(out, "\n    first seen: %s:%ld (pid %d, goroutine %lld, %s", e->file, e->line, r->pid,
            (long long)r->goid, ud_trigger_name(r->trigger));
    if (r->time_ns) {
      fprintf(out, ", ");
      print_time(out, r->time_ns);
    }
    fprintf(out, ")\n    %s\n", r->summary);
    fprintf(out, "    signature: %s (fingerprint %016llx)\n", g->sig,
            (unsigned long long)ud_report_signature_hash(r));
  }
}

static void json_str(FILE *out, const char *s) {
  size_t cap = strlen(s) * 6 + 3; /* every byte escaped as \uXXXX, quotes */
  char *buf = xrealloc(NULL, cap);
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  ud_out_json_str(&o, s);
  fputs(buf, out);
  free(buf);
}

/* {"schema":"undead-report-summary/1","reports":N,"processes":N,
 *  "groups":[{"signature","fingerprint","count","pids":[...],
 *             "first_seen":{"file","line"},"report":{undead-report/1}}]} */
static void summary_json(const state *st, FILE *out) {
  fprintf(out, "{\"schema\":\"undead-report-summary/1\",\"reports\":%zu,\"processes\":%zu,"
               "\"groups\":[", st->n, distinct_pids(st));
  static char buf[1 << 18];
  for (size_t k = 0; k < st->ng; k++) {
    const group *g = &st->g[k];
    const entry *e = &st->e[g->first];
    fprintf(out, "%s{\"signature\":", k ? "," : "");
    json_str(out, g->sig);
    fprintf(out, ",\"fingerprint\":\"%016llx\",\"count\":%zu,\"pids\":[",
            (unsigned long long)ud_report_signature_hash(&e->rep), g->count);
    for (size_t i = 0; i < g->npids; i++)
      fprintf(out, "%s%d", i ? "," : "", g->pids[i]);
    fprintf(out, "],\"first_seen\":{\"file\":");
    json_str(out, e->file);
    fprintf(out, ",\"line\":%ld},\"report\":", e->line);
    ud_out o;
    ud_out_init_mem(&o, buf, sizeof buf);
    ud_report_render_json(&e->rep, &o);
    if (o.len > 0 && buf[o.len - 1] == '\n')
      buf[--o.len] = '\0';
    fputs(buf, out);
    fputs("}", out);
  }
  fputs("]}\n", out);
}

static bool write_sarif(const state *st, const char *path) {
  const ud_report **rs = xrealloc(NULL, (st->ng + 1) * sizeof *rs);
  uint32_t *counts = xrealloc(NULL, (st->ng + 1) * sizeof *counts);
  for (size_t k = 0; k < st->ng; k++) {
    rs[k] = &st->e[st->g[k].first].rep;
    counts[k] = (uint32_t)st->g[k].count;
  }
  FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
  bool ok = f != NULL;
  if (ok) {
    fflush(f);
    char buf[8192];
    ud_out o;
    ud_out_init_fd(&o, fileno(f), buf, sizeof buf);
    ud_report_render_sarif_grouped(rs, counts, st->ng, &o);
    ud_out_flush(&o);
    ok = !o.error;
    if (f != stdout && fclose(f) != 0)
      ok = false;
  }
  if (!ok)
    fprintf(stderr, "undead report: cannot write %s: %s\n", path, strerror(errno));
  free(rs);
  free(counts);
  return ok;
}

static void render_texts(const state *st) {
  char buf[8192];
  fflush(stdout);
  for (size_t k = 0; k < st->ng; k++) {
    ud_out o;
    ud_out_init_fd(&o, 1, buf, sizeof buf);
    if (k > 0)
      ud_out_str(&o, "\n");
    ud_report_render_text(&st->e[st->g[k].first].rep, &o, isatty(1));
    ud_out_flush(&o);
  }
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
      return 0;
    }
    if (strcmp(a, "--text") == 0) {
      mode = TEXT;
    } else if (strcmp(a, "--json") == 0) {
      mode = JSON;
    } else if (strcmp(a, "--sarif") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "undead report: --sarif needs an output file (see undead report --help)\n");
        return 2;
      }
      sarif = argv[++i];
    } else if (strncmp(a, "--sarif=", 8) == 0) {
      sarif = a + 8;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "undead report: unknown option '%s' (see undead report --help)\n", a);
      return 2;
    } else {
      break;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "undead report: no report files given (see undead report --help)\n");
    return 2;
  }
  if (sarif && !sarif[0]) {
    fprintf(stderr, "undead report: --sarif needs an output file\n");
    return 2;
  }
  state st = {0};
  for (; i < argc; i++)
    if (!read_file(&st, argv[i]))
      return 2;
  group_all(&st);
  bool sarif_stdout = sarif && strcmp(sarif, "-") == 0;
  if (sarif && !write_sarif(&st, sarif))
    return 2;
  FILE *out = sarif_stdout ? stderr : stdout;
  if (mode == TEXT && !sarif_stdout)
    render_texts(&st);
  else if (mode == JSON)
    summary_json(&st, out);
  else
    summary_text(&st, out);
  int status = st.n > 0 ? 1 : 0;
  for (size_t k = 0; k < st.ng; k++)
    free(st.g[k].pids);
  free(st.g);
  free(st.e);
  return status;
}
