/* libFuzzer target for what `undead report` reads: the input is a file of
 * JSON reports, read as undead report reads it (report_lines.c: bounded
 * lines; json_read.c: each line into the model; report_groups.c: grouped
 * by signature), then every group rendered as JSON, text and SARIF. The
 * whole input is also read as one report.
 *
 * Findings: memory errors, and any broken promise: a refusal is one line
 * in its buffer; a report the reader accepted renders as JSON that the
 * reader accepts again and that renders the same (JSON -> model -> JSON is
 * a fixed point after one round); renderings never overflow their sinks. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_memfd.h"
#include "json_read.h"
#include "report.h"
#include "report_groups.h"
#include "report_lines.h"

static char line_buf[(1 << 20) + 1];
static char json1[1 << 20], json2[1 << 20], text[1 << 20];

static void check_fixed_point(const ud_report *r) {
  static ud_report back;
  ud_out o;
  ud_out_init_mem(&o, json1, sizeof json1);
  ud_report_render_json(r, &o);
  assert(!o.overflow);
  char why[300];
  bool ok = ud_json_read_report(json1, o.len, &back, why, sizeof why);
  assert(ok);
  ud_out_init_mem(&o, json2, sizeof json2);
  ud_report_render_json(&back, &o);
  assert(strcmp(json1, json2) == 0);
}

static void render_all(const ud_groups *g) {
  ud_out o;
  for (size_t i = 0; i < g->n; i++) {
    check_fixed_point(&g->g[i]->rep);
    ud_out_init_mem(&o, text, sizeof text);
    ud_report_render_text(&g->g[i]->rep, &o, i & 1);
    assert(!o.overflow);
  }
  const ud_report *rs[8];
  uint32_t counts[8];
  size_t n = g->n < 8 ? g->n : 8;
  for (size_t i = 0; i < n; i++) {
    rs[i] = &g->g[i]->rep;
    counts[i] = (uint32_t)g->g[i]->count;
  }
  ud_out_init_mem(&o, text, sizeof text);
  ud_report_render_sarif_grouped(rs, counts, n, &o);
  assert(!o.overflow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* the whole input as one report, as a reader of one line would see it */
  static ud_report r;
  char why[300];
  memset(why, 0x5a, sizeof why);
  if (ud_json_read_report((const char *)data, size, &r, why, sizeof why))
    check_fixed_point(&r);
  else
    assert(memchr(why, '\0', sizeof why) != NULL && strchr(why, '\n') == NULL);

  /* as undead report reads a file */
  int fd = fuzz_memfd(data, size);
  if (fd < 0)
    return 0;
  /* the real bound, or (odd first byte) a small one, so that the line
   * reader's limits are reached by inputs of a few kilobytes */
  size_t max = size > 0 && (data[0] & 1) ? 64 + (size_t)data[0] * 32 : sizeof line_buf - 1;
  ud_lines l;
  ud_lines_init(&l, fd, line_buf, max);
  ud_groups g;
  memset(&g, 0, sizeof g);
  const char *line;
  size_t len;
  while (ud_lines_next(&l, &line, &len) == UD_LINE_OK) {
    assert(len <= l.max && memchr(line, '\n', len) == NULL);
    if (ud_json_read_report(line, len, &r, why, sizeof why))
      assert(ud_groups_add(&g, &r, "fuzz", l.lineno));
  }
  assert(g.reports >= g.n && g.processes <= g.reports);
  render_all(&g);
  ud_groups_free(&g);
  close(fd);
  return 0;
}
