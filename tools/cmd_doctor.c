/* undead doctor: says, before anything runs, whether libundead.so can work
 * on a binary and why, by asking the same core the shim asks at start-up:
 * the ELF facts, the Go version, where the runtime layout comes from, the
 * TLS slot of g, the copystack call sites the shim patches, the cgo context
 * setter it installs itself with, and the gate frames it watches.
 *
 * Exit 0: the shim can work; 1: it cannot (each reason is listed); 2: bad
 * usage or a file that is not a readable ELF. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgoctx.h"
#include "cmd.h"
#include "dwarfvars.h"
#include "json_write.h"
#include "gates.h"
#include "image.h"
#include "layout.h"
#include "pclntab.h"
#include "report.h"
#include "stackmap.h"
#include "x86.h"

enum { MAX_SITES = 16, MAX_GATES = 16, MAX_SLOTS = 48, MAX_REASONS = 16 };

typedef struct sym_fact {
  const char *name;
  bool found, in_dynsym;
  uint64_t value;
} sym_fact;

typedef struct gate_fact {
  const char *func;
  uint64_t x, y;
  const char *x_callee;
  const char *x_file, *y_file;
  int32_t x_line, y_line;
  char error[256];          /* "" if the candidates could be computed */
  size_t ncand;
  ud_live_slot cand[MAX_SLOTS];
  char names[MAX_SLOTS][48];
} gate_fact;

typedef struct site_fact {
  const char *caller; /* runtime.newstack / runtime.shrinkstack */
  const char *what;   /* growth / shrink */
  size_t n;
  uint64_t pcs[MAX_SITES];
  char error[320];
} site_fact;

typedef struct doctor {
  const char *path;
  const char *go_version;
  int go_minor;
  bool cgo, pie, dynamic, symtab, dwarf;
  size_t nfuncs;
  uint32_t magic;
  bool layout_ok;
  ud_layout layout;
  char layout_error[256];
  bool tls_ok;
  int64_t tls_g;
  char tls_error[256];
  bool copystack_found;
  uint64_t copystack;
  site_fact sites[2];
  sym_fact syms[4];
  bool ctx_ok;
  ud_cgo_context ctx;
  char ctx_error[256];
  size_t ngates;
  gate_fact gates[MAX_GATES];
  char gates_error[256];
  const char *reasons[MAX_REASONS];
  char reason_buf[MAX_REASONS][320];
  size_t nreasons;
} doctor;

__attribute__((format(printf, 2, 3))) static void reason(doctor *d, const char *fmt, ...) {
  if (d->nreasons == MAX_REASONS)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->reason_buf[d->nreasons], sizeof d->reason_buf[0], fmt, ap);
  va_end(ap);
  d->reasons[d->nreasons] = d->reason_buf[d->nreasons];
  d->nreasons++;
}

/* Whether name is defined in .dynsym: what dlsym and the dynamic linker
 * see, and what survives `-ldflags=-s`. */
static bool in_dynsym(const ud_image *img, const char *name) {
  uint64_t va, size, sva, ssize;
  const void *data, *sdata;
  if (!ud_image_section(img, ".dynsym", &va, &size, &data) || data == NULL ||
      !ud_image_section(img, ".dynstr", &sva, &ssize, &sdata) || sdata == NULL)
    return false;
  const Elf64_Sym *syms = data;
  const char *str = sdata;
  for (size_t i = 0; i < size / sizeof(Elf64_Sym); i++) {
    if (syms[i].st_name >= ssize || syms[i].st_shndx == SHN_UNDEF)
      continue;
    const char *s = str + syms[i].st_name;
    size_t left = ssize - syms[i].st_name;
    if (strnlen(s, left) < left && strcmp(s, name) == 0)
      return true;
  }
  return false;
}

static void find_sites(doctor *d, const ud_image *img, const ud_pclntab *tab, site_fact *s) {
  ud_func f;
  if (!ud_pclntab_func_by_name(tab, s->caller, &f)) {
    snprintf(s->error, sizeof s->error, "%s not in the function table", s->caller);
    return;
  }
  ud_call_site calls[256];
  size_t n = 0;
  ud_err err = {0};
  if (ud_x86_calls(img, f.entry, f.end, calls, 256, &n, &err) != UD_OK) {
    snprintf(s->error, sizeof s->error, "cannot decode %s: %s", s->caller, err.msg);
    return;
  }
  if (n > 256)
    n = 256;
  for (size_t i = 0; i < n; i++)
    if (calls[i].target == d->copystack && calls[i].length == 5 && s->n < MAX_SITES)
      s->pcs[s->n++] = calls[i].pc;
  if (s->n == 0)
    snprintf(s->error, sizeof s->error, "no CALL runtime.copystack in %s", s->caller);
}

static void find_gates(doctor *d, const ud_image *img, const ud_pclntab *tab) {
  ud_gate found[MAX_GATES];
  size_t n = 0;
  ud_err err = {0};
  if (ud_gates_find(img, tab, found, MAX_GATES, &n, &err) != UD_OK) {
    snprintf(d->gates_error, sizeof d->gates_error, "%s", err.msg);
    return;
  }
  if (n > MAX_GATES)
    n = MAX_GATES;
  ud_dwarfvars *dv = NULL;
  if (d->dwarf) {
    ud_err derr = {0};
    dv = ud_dwarfvars_open(img, &derr);
  }
  for (size_t i = 0; i < n; i++) {
    gate_fact *g = &d->gates[d->ngates++];
    const ud_gate *src = &found[i];
    g->func = ud_func_name(&src->fn);
    g->x = src->x_ret;
    g->y = src->y_ret;
    g->x_callee = src->x_callee ? src->x_callee : "?";
    if (!ud_func_fileline(&src->fn, src->x_ret - 1, &g->x_file, &g->x_line))
      g->x_file = "", g->x_line = 0;
    if (!ud_func_fileline(&src->fn, src->y_ret - 1, &g->y_file, &g->y_line))
      g->y_file = "", g->y_line = 0;
    ud_err e = {0};
    size_t nc = 0;
    if (ud_gate_undead_slots(src, g->cand, MAX_SLOTS, &nc, &e) != UD_OK) {
      snprintf(g->error, sizeof g->error, "%s", e.msg);
      continue;
    }
    g->ncand = nc < MAX_SLOTS ? nc : MAX_SLOTS;
    int32_t spdelta = 0;
    if (dv && ud_func_spdelta(&src->fn, src->x_ret, &spdelta))
      for (size_t k = 0; k < g->ncand; k++)
        ud_dwarfvars_name(dv, src->x_ret, g->cand[k].sp_off - (spdelta + 8), g->names[k],
                          sizeof g->names[k]);
  }
  if (dv)
    ud_dwarfvars_close(dv);
}

/* Gathers every fact; returns false only when the file cannot be read as
 * an ELF at all (exit 2). */
static bool examine(doctor *d, ud_image *img, ud_pclntab **tabp) {
  d->go_version = ud_image_go_version(img);
  d->go_minor = ud_image_go_release(img);
  d->pie = ud_image_is_pie(img);
  d->dynamic = ud_image_is_dynamic(img);
  d->symtab = ud_image_has_symtab(img);
  d->dwarf = ud_image_has_dwarf(img);

  static const char *symnames[] = {"crosscall2", "x_cgo_set_context_function",
                                   "x_cgo_set_traceback_functions", "_cgo_set_context_function"};
  for (int i = 0; i < 4; i++) {
    sym_fact *s = &d->syms[i];
    uint64_t size;
    s->name = symnames[i];
    s->found = ud_image_symbol(img, s->name, &s->value, &size);
    s->in_dynsym = s->found && in_dynsym(img, s->name);
  }
  /* cgo: crosscall2, the C-to-Go entry the shim itself keys on (_cgo_init
   * and friends exist as Go variables in pure Go programs too) */
  d->cgo = d->syms[0].found;

  ud_err err = {0};
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  *tabp = tab;
  if (tab == NULL) {
    reason(d, "no readable Go function table: %s", err.msg);
    return true;
  }
  d->nfuncs = ud_pclntab_nfuncs(tab);
  d->magic = ud_pclntab_magic(tab);

  if (!d->dynamic)
    reason(d, "statically linked: LD_PRELOAD cannot load the shim (a Go program without cgo "
              "has no gate to check)");
  if (!d->cgo)
    reason(d, "does not use cgo: there is no gate between Go and C to check");

  if (ud_layout_load(img, tab, &d->layout, NULL, &err) == UD_OK) {
    d->layout_ok = true;
    d->tls_ok = true;
    d->tls_g = d->layout.tls_g_offset;
  } else {
    snprintf(d->layout_error, sizeof d->layout_error, "%s", err.msg);
    reason(d, "runtime layout unknown: %s", err.msg);
    err = (ud_err){0};
    if (ud_layout_tls_g_offset(img, tab, &d->tls_g, &err) == UD_OK)
      d->tls_ok = true;
    else
      snprintf(d->tls_error, sizeof d->tls_error, "%s", err.msg);
  }

  ud_func cs;
  if (ud_pclntab_func_by_name(tab, "runtime.copystack", &cs)) {
    d->copystack_found = true;
    d->copystack = cs.entry;
    d->sites[0] = (site_fact){.caller = "runtime.newstack", .what = "growth"};
    d->sites[1] = (site_fact){.caller = "runtime.shrinkstack", .what = "shrink"};
    for (int i = 0; i < 2; i++) {
      find_sites(d, img, tab, &d->sites[i]);
      if (d->sites[i].error[0])
        reason(d, "stack %s hook site missing: %s", d->sites[i].what, d->sites[i].error);
    }
  } else {
    reason(d, "runtime.copystack not in the function table");
  }

  if (d->cgo) {
    err = (ud_err){0};
    d->ctx_ok = ud_cgo_context_find(img, tab, ud_cgo_file_word, (void *)img, &d->ctx, &err) == UD_OK;
    if (!d->ctx_ok) {
      snprintf(d->ctx_error, sizeof d->ctx_error, "%s", err.msg);
      reason(d, "cgo context function: %s", err.msg);
    }
  }

  if (d->cgo) {
    find_gates(d, img, tab);
    size_t usable = 0;
    for (size_t i = 0; i < d->ngates; i++)
      usable += d->gates[i].error[0] == '\0';
    if (d->gates_error[0])
      reason(d, "cannot find the gate frames: %s", d->gates_error);
    else if (usable == 0 && d->ngates > 0)
      reason(d, "no usable gate frame (%s)", d->gates[0].error);
    else if (usable == 0)
      reason(d, "no gate frame (a function calling entersyscall, then asmcgocall) found");
  }
  return true;
}

static const char *yes(bool b) { return b ? "yes" : "no"; }

static void print_text(const doctor *d) {
  printf("undead doctor: %s\n", d->path);
  printf("  Go version       %s\n", d->go_version ? d->go_version : "unknown (no build info)");
  printf("  cgo              %s%s\n", yes(d->cgo),
         d->syms[0].found ? (d->syms[0].in_dynsym ? " (crosscall2 in .dynsym)" : " (crosscall2)")
                          : "");
  printf("  PIE              %s\n", yes(d->pie));
  printf("  linking          %s\n",
         d->dynamic ? "dynamic: LD_PRELOAD applies" : "static: LD_PRELOAD does not apply");
  printf("  .symtab          %s\n", d->symtab ? "present" : "absent (stripped)");
  printf("  DWARF            %s\n", d->dwarf ? "present (slot names in reports)"
                                             : "absent (reports name slots by offset)");
  if (d->nfuncs == 0)
    goto verdict; /* not a Go program: nothing below applies */
  printf("  function table   %zu functions (pclntab magic %#x)\n", d->nfuncs, d->magic);
  if (d->layout_ok || d->layout.source[0])
    printf("  runtime layout   from %s: g.stack %d/%d, g.sched.sp %d, g.syscallsp %d, "
           "g.syscallpc %d, g.syscallbp %d, g.m %d, g.goid %d, m.curg %d\n",
           d->layout.source, d->layout.g_stack_lo, d->layout.g_stack_hi, d->layout.g_sched_sp,
           d->layout.g_syscallsp, d->layout.g_syscallpc, d->layout.g_syscallbp, d->layout.g_m,
           d->layout.g_goid, d->layout.m_curg);
  else
    printf("  runtime layout   unknown: %s\n", d->layout_error[0] ? d->layout_error : "?");
  if (d->tls_ok)
    printf("  TLS g offset     %%fs:%lld\n", (long long)d->tls_g);
  else
    printf("  TLS g offset     unknown%s%s\n", d->tls_error[0] ? ": " : "", d->tls_error);
  printf("  hook sites\n");
  if (d->copystack_found) {
    printf("    runtime.copystack at %#llx\n", (unsigned long long)d->copystack);
    for (int i = 0; i < 2; i++) {
      const site_fact *s = &d->sites[i];
      if (s->error[0]) {
        printf("    %-7s MISSING: %s\n", s->what, s->error);
        continue;
      }
      printf("    %-7s %zu call site(s) in %s:", s->what, s->n, s->caller);
      for (size_t k = 0; k < s->n; k++)
        printf(" %#llx", (unsigned long long)s->pcs[k]);
      printf("\n");
    }
  } else {
    printf("    runtime.copystack MISSING\n");
  }
  for (int i = 1; i < 4; i++) {
    const sym_fact *s = &d->syms[i];
    const char *note = i == 3 ? (s->found ? "SetCgoTraceback's setter, chained" : "absent (fine)")
                              : (s->found ? (s->in_dynsym ? "in .dynsym" : "in .symtab") : "absent");
    printf("    %-30s %s\n", s->name, note);
  }
  if (d->ctx_ok) {
    const ud_cgo_context *c = &d->ctx;
    printf("  context function found in the %s: ", c->source);
    if (c->set_context || c->set_traceback)
      printf("setter %s at %#llx, ", c->set_context ? "x_cgo_set_context_function" : "x_cgo_set_traceback_functions",
             (unsigned long long)(c->set_context | c->set_traceback));
    if (c->setter_var)
      printf("SetCgoTraceback's variable at %#llx (chained)", (unsigned long long)c->setter_var);
    else
      printf("SetCgoTraceback not linked");
    if (c->slot)
      printf(", static at %#llx", (unsigned long long)c->slot);
    printf("\n");
  } else if (d->cgo) {
    printf("  context function NOT FOUND: %s\n", d->ctx_error);
  }
  printf("  gate frames      %zu\n", d->ngates);
  for (size_t i = 0; i < d->ngates; i++) {
    const gate_fact *g = &d->gates[i];
    printf("    %s X %#llx %s:%d (after %s) Y %#llx %s:%d\n", g->func, (unsigned long long)g->x,
           ud_report_basename(g->x_file), g->x_line, g->x_callee, (unsigned long long)g->y,
           ud_report_basename(g->y_file), g->y_line);
    if (g->error[0]) {
      printf("      unusable: %s\n", g->error);
      continue;
    }
    printf("      %zu undead candidate slot(s) (live at X, dead at Y)%s", g->ncand,
           g->ncand ? ":" : ": the runtime keeps them alive across the call");
    for (size_t k = 0; k < g->ncand; k++)
      printf(" %s@sp+%d%s%s", g->cand[k].kind == UD_SLOT_ARG ? "arg" : "local", g->cand[k].sp_off,
             g->names[k][0] ? "=" : "", g->names[k]);
    printf("\n");
  }
verdict:
  if (d->nreasons == 0) {
    printf("verdict: the shim can work on this binary\n");
    return;
  }
  printf("verdict: the shim cannot work on this binary:\n");
  for (size_t i = 0; i < d->nreasons; i++)
    printf("  - %s\n", d->reasons[i]);
}

static void jstr(const char *s) { json_write_str(stdout, s ? s : ""); }

static void print_json(const doctor *d) {
  printf("{\"binary\":");
  jstr(d->path);
  printf(",\"ok\":%s,\"reasons\":[", d->nreasons ? "false" : "true");
  for (size_t i = 0; i < d->nreasons; i++) {
    printf(i ? "," : "");
    jstr(d->reasons[i]);
  }
  printf("],\"go_version\":");
  jstr(d->go_version ? d->go_version : "");
  printf(",\"cgo\":%s,\"pie\":%s,\"dynamic\":%s,\"symtab\":%s,\"dwarf\":%s,\"functions\":%zu",
         d->cgo ? "true" : "false", d->pie ? "true" : "false", d->dynamic ? "true" : "false",
         d->symtab ? "true" : "false", d->dwarf ? "true" : "false", d->nfuncs);
  printf(",\"layout\":{\"source\":");
  jstr(d->layout_ok || d->layout.source[0] ? d->layout.source : "");
  printf(",\"error\":");
  jstr(d->layout_error);
  printf(",\"tls_g_offset\":");
  if (d->tls_ok)
    printf("%lld", (long long)d->tls_g);
  else
    printf("null");
  printf("},\"hooks\":{\"copystack\":");
  if (d->copystack_found)
    printf("\"%#llx\"", (unsigned long long)d->copystack);
  else
    printf("null");
  for (int i = 0; i < 2; i++) {
    const site_fact *s = &d->sites[i];
    printf(",\"%s\":{\"caller\":", i == 0 ? "growth" : "shrink");
    jstr(s->caller ? s->caller : "");
    printf(",\"sites\":[");
    for (size_t k = 0; k < s->n; k++)
      printf("%s\"%#llx\"", k ? "," : "", (unsigned long long)s->pcs[k]);
    printf("],\"error\":");
    jstr(s->error);
    printf("}");
  }
  for (int i = 0; i < 4; i++)
    printf(",\"%s\":{\"found\":%s,\"in_dynsym\":%s}", d->syms[i].name,
           d->syms[i].found ? "true" : "false", d->syms[i].in_dynsym ? "true" : "false");
  printf("},\"context\":{\"found\":%s,\"source\":", d->ctx_ok ? "true" : "false");
  jstr(d->ctx_ok ? d->ctx.source : "");
  printf(",\"setter\":\"0x%llx\",\"setter_var\":\"0x%llx\",\"slot\":\"0x%llx\",\"error\":",
         (unsigned long long)(d->ctx.set_context | d->ctx.set_traceback),
         (unsigned long long)d->ctx.setter_var, (unsigned long long)d->ctx.slot);
  jstr(d->ctx_error);
  printf("},\"gates\":[");
  for (size_t i = 0; i < d->ngates; i++) {
    const gate_fact *g = &d->gates[i];
    printf("%s{\"func\":", i ? "," : "");
    jstr(g->func);
    printf(",\"x\":{\"pc\":\"%#llx\",\"file\":", (unsigned long long)g->x);
    jstr(g->x_file);
    printf(",\"line\":%d,\"callee\":", g->x_line);
    jstr(g->x_callee);
    printf("},\"y\":{\"pc\":\"%#llx\",\"file\":", (unsigned long long)g->y);
    jstr(g->y_file);
    printf(",\"line\":%d},\"error\":", g->y_line);
    jstr(g->error);
    printf(",\"candidates\":[");
    for (size_t k = 0; k < g->ncand; k++) {
      printf("%s{\"kind\":\"%s\",\"sp_off\":%d,\"name\":", k ? "," : "",
             g->cand[k].kind == UD_SLOT_ARG ? "arg" : "local", g->cand[k].sp_off);
      jstr(g->names[k]);
      printf("}");
    }
    printf("]}");
  }
  printf("]}\n");
}

static const char usage[] =
    "usage: undead doctor [--json] BINARY\n"
    "\n"
    "Says whether libundead.so can work on BINARY, and why: Go version, cgo, PIE,\n"
    "linking, symbols and DWARF, where the runtime offsets come from, the TLS slot\n"
    "of g, each hook site found or missing, where the cgo context function is\n"
    "(from the symbol table or, stripped, from the code), the gate frames and\n"
    "their candidates.\n"
    "\n"
    "  --json   the same facts as one JSON object: {binary, ok, reasons, go_version,\n"
    "           cgo, pie, dynamic, symtab, dwarf, functions, layout, hooks, context,\n"
    "           gates}; addresses are \"0x...\" strings (link-time).\n"
    "\n"
    "Exit status: 0 it can work, 1 it cannot (reasons listed), 2 bad usage or input.\n";

int cmd_doctor(int argc, char **argv) {
  bool json = false;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "undead doctor: unknown option '%s' (see undead doctor --help)\n", argv[i]);
      return 2;
    } else if (path != NULL) {
      fprintf(stderr, "undead doctor: one binary at a time (got '%s' and '%s')\n", path, argv[i]);
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (path == NULL) {
    fprintf(stderr, "undead doctor: no binary given (usage: undead doctor [--json] BINARY)\n");
    return 2;
  }
  ud_err err = {0};
  ud_image *img = ud_image_open(path, &err);
  if (img == NULL) {
    /* the core's message names the file already */
    fprintf(stderr, "undead doctor: %s\n", err.msg);
    return 2;
  }
  doctor *d = calloc(1, sizeof *d);
  if (d == NULL) {
    fprintf(stderr, "undead doctor: out of memory\n");
    ud_image_close(img);
    return 2;
  }
  d->path = path;
  ud_pclntab *tab = NULL;
  examine(d, img, &tab);
  if (json)
    print_json(d);
  else
    print_text(d);
  int status = d->nreasons ? 1 : 0;
  free(d);
  if (tab)
    ud_pclntab_close(tab);
  ud_image_close(img);
  return status;
}
