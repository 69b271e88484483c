/* undead scan: every gate frame of a Go binary and its undead candidates.
 *
 * A candidate is a pointer slot that the garbage collector treats as live
 * when it traces the gate frame at X (the saved syscall PC) while the stack
 * copier, adjusting the frame at its real PC Y, treats it as dead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dwarfvars.h"
#include "gate_funcs.h"
#include "image.h"
#include "json_write.h"
#include "pclntab.h"
#include "stackmap.h"

static const char scan_usage[] =
    "usage: undead scan [--json] BINARY\n"
    "\n"
    "Lists the gate frames of BINARY: functions that call runtime.entersyscall or\n"
    "runtime.reentersyscall (X: the return address of that call, which the GC\n"
    "uses to trace the frame while a callback runs) and then runtime.asmcgocall\n"
    "(Y: the return address the stack copier uses). For each, the pointer slots\n"
    "live at X and dead at Y: the undead candidates, named after the Go variable\n"
    "when the binary has DWARF.\n"
    "\n"
    "  --json   one JSON document on stdout:\n"
    "           {binary, go_version, gates: [{function, entry, frame_size,\n"
    "            x: {ret, file, line, callee}, y: {ret, file, line, callee},\n"
    "            live_at_x, live_at_y,\n"
    "            undead: [{kind: \"arg\"|\"local\", sp_offset, fp_offset, name}]}],\n"
    "            candidates}\n"
    "           addresses are \"0x...\" strings (link-time); offsets are bytes\n"
    "           from the frame's sp and fp (fp = sp + frame_size + 8); name is\n"
    "           null without DWARF.\n"
    "\n"
    "Exit status: 0 no candidates, 1 candidates found, 2 error, 3 the output\n"
    "could not be written.\n";

typedef struct site {
  uint64_t ret;
  const char *file;
  int32_t line;
  const char *callee;
} site;

typedef struct gate_view {
  const ud_gate_func *g;
  site x, y;
  ud_frame_layout frame;
  size_t live_x, live_y;
  ud_live_slot *slots;
  size_t nslots;
} gate_view;

static void site_of(const ud_gate_func *g, uint64_t ret, const char *callee, site *s) {
  s->ret = ret;
  s->callee = callee;
  /* the CALL instruction itself: ret - 1 lies inside it */
  if (!ud_func_fileline(&g->fn, ret - 1, &s->file, &s->line)) {
    s->file = "?";
    s->line = 0;
  }
}

static const char *slot_name(const ud_image *img, ud_dwarfvars *dv, const gate_view *v,
                             const ud_live_slot *sl, char *buf, size_t cap) {
  return ud_gate_slot_name(img, dv, &v->g->fn, v->g->x_ret, sl->kind, sl->sp_off, v->frame.fp_off,
                           buf, cap)
             ? buf
             : NULL;
}

static void print_text(const char *path, const ud_image *img, gate_view *views, size_t n,
                       ud_dwarfvars *dv, size_t total) {
  const char *ver = ud_image_go_version(img);
  printf("%s: %s, %zu gate frame%s\n", path, ver ? ver : "unknown Go version", n,
         n == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++) {
    gate_view *v = &views[i];
    printf("\ngate %s (frame %d bytes)\n", ud_func_name(&v->g->fn), v->frame.spdelta);
    printf("  X %#llx  %s:%d  after CALL %s  (%zu live pointer slot%s)\n",
           (unsigned long long)v->x.ret, v->x.file, v->x.line, v->x.callee, v->live_x,
           v->live_x == 1 ? "" : "s");
    printf("  Y %#llx  %s:%d  after CALL %s  (%zu live pointer slot%s)\n",
           (unsigned long long)v->y.ret, v->y.file, v->y.line, v->y.callee, v->live_y,
           v->live_y == 1 ? "" : "s");
    if (v->nslots == 0) {
      printf("  no undead candidates\n");
      continue;
    }
    for (size_t k = 0; k < v->nslots; k++) {
      const ud_live_slot *sl = &v->slots[k];
      char buf[128];
      const char *name = slot_name(img, dv, v, sl, buf, sizeof buf);
      printf("  undead %-5s sp+%-4d fp%+-5d %s\n", sl->kind == UD_SLOT_ARG ? "arg" : "local",
             sl->sp_off, sl->sp_off - v->frame.fp_off, name ? name : "(no name: no DWARF)");
    }
  }
  printf("\n%zu undead candidate%s\n", total, total == 1 ? "" : "s");
}

static void json_site(FILE *out, const site *s) {
  fprintf(out, "{\"ret\":\"%#llx\",\"file\":", (unsigned long long)s->ret);
  json_write_str(out, s->file);
  fprintf(out, ",\"line\":%d,\"callee\":", s->line);
  json_write_str(out, s->callee);
  fputc('}', out);
}

static void print_json(const char *path, const ud_image *img, gate_view *views, size_t n,
                       ud_dwarfvars *dv, size_t total) {
  fputs("{\"binary\":", stdout);
  json_write_str(stdout, path);
  fputs(",\"go_version\":", stdout);
  json_write_str(stdout, ud_image_go_version(img));
  fputs(",\"gates\":[", stdout);
  for (size_t i = 0; i < n; i++) {
    gate_view *v = &views[i];
    fputs(i ? ",{\"function\":" : "{\"function\":", stdout);
    json_write_str(stdout, ud_func_name(&v->g->fn));
    printf(",\"entry\":\"%#llx\",\"frame_size\":%d,\"x\":", (unsigned long long)v->g->fn.entry,
           v->frame.spdelta);
    json_site(stdout, &v->x);
    fputs(",\"y\":", stdout);
    json_site(stdout, &v->y);
    printf(",\"live_at_x\":%zu,\"live_at_y\":%zu,\"undead\":[", v->live_x, v->live_y);
    for (size_t k = 0; k < v->nslots; k++) {
      const ud_live_slot *sl = &v->slots[k];
      char buf[128];
      const char *name = slot_name(img, dv, v, sl, buf, sizeof buf);
      fputs(k ? "," : "", stdout);
      json_write_slot(stdout, sl, v->frame.fp_off, name);
    }
    fputs("]}", stdout);
  }
  printf("],\"candidates\":%zu}\n", total);
}

static int scan_fail(const ud_err *err) {
  fprintf(stderr, "undead scan: %s\n", err->msg[0] ? err->msg : ud_status_name(err->status));
  return 2;
}

int cmd_scan(int argc, char **argv) {
  bool json = false;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(scan_usage, stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = true;
    } else if (!strcmp(a, "--") && i + 1 < argc && path == NULL) {
      path = argv[++i];
    } else if (a[0] == '-' && a[1] != 0) {
      fprintf(stderr, "undead scan: unknown option '%s' (see undead scan --help)\n", a);
      return 2;
    } else if (path != NULL) {
      fprintf(stderr, "undead scan: one BINARY only (see undead scan --help)\n");
      return 2;
    } else {
      path = a;
    }
  }
  if (path == NULL) {
    fprintf(stderr, "undead scan: missing BINARY (see undead scan --help)\n");
    return 2;
  }

  ud_err err = {0};
  int status = 2;
  ud_image *img = ud_image_open(path, &err);
  if (img == NULL)
    return scan_fail(&err);
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  if (tab == NULL) {
    ud_image_close(img);
    return scan_fail(&err);
  }
  ud_gate_func *gates = NULL;
  gate_view *views = NULL;
  size_t ng = 0, total = 0;
  ud_dwarfvars *dv = NULL;

  if (ud_gate_funcs_find(img, tab, NULL, 0, &ng, &err) != UD_OK)
    goto out;
  gates = calloc(ng ? ng : 1, sizeof *gates);
  views = calloc(ng ? ng : 1, sizeof *views);
  if (gates == NULL || views == NULL) {
    ud_fail(&err, UD_E_NOMEM, "out of memory");
    goto out;
  }
  size_t ng2;
  if (ud_gate_funcs_find(img, tab, gates, ng, &ng2, &err) != UD_OK)
    goto out;
  for (size_t i = 0; i < ng; i++) {
    gate_view *v = &views[i];
    ud_frame_layout fy;
    v->g = &gates[i];
    site_of(v->g, v->g->x_ret, v->g->x_callee, &v->x);
    site_of(v->g, v->g->y_ret, "runtime.asmcgocall", &v->y);
    if (ud_stackmap_live_at(&v->g->fn, v->g->x_ret, &v->frame, NULL, 0, &v->live_x, &err) != UD_OK ||
        ud_stackmap_live_at(&v->g->fn, v->g->y_ret, &fy, NULL, 0, &v->live_y, &err) != UD_OK)
      goto named_fail;
    /* the slots live at X; those not live at Y, the candidates, are kept */
    v->slots = calloc(v->live_x ? v->live_x : 1, sizeof *v->slots);
    bool *live_y = calloc(v->live_x ? v->live_x : 1, sizeof *live_y);
    size_t nx = 0;
    if (v->slots == NULL || live_y == NULL) {
      free(live_y);
      ud_fail(&err, UD_E_NOMEM, "out of memory");
      goto out;
    }
    int rc = ud_gate_slots(v->g, v->slots, live_y, v->live_x, &nx, NULL, &err);
    for (size_t k = 0; rc == UD_OK && k < nx && k < v->live_x; k++)
      if (!live_y[k])
        v->slots[v->nslots++] = v->slots[k];
    free(live_y);
    if (rc != UD_OK)
      goto named_fail;
    total += v->nslots;
    continue;
  named_fail: {
    ud_err e2 = err;
    ud_fail(&err, e2.status, "%s: %s", ud_func_name(&v->g->fn), e2.msg);
    goto out;
  }
  }
  if (total > 0) {
    ud_err ignore = {0};
    dv = ud_dwarfvars_open(img, &ignore); /* names are optional */
  }
  if (json)
    print_json(path, img, views, ng, dv, total);
  else
    print_text(path, img, views, ng, dv, total);
  status = total > 0 ? 1 : 0;

out:
  if (status == 2)
    scan_fail(&err);
  ud_dwarfvars_close(dv);
  if (views != NULL)
    for (size_t i = 0; i < ng; i++)
      free(views[i].slots);
  free(views);
  free(gates);
  ud_pclntab_close(tab);
  ud_image_close(img);
  return status;
}
