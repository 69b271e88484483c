/* undead doctor: says, before anything runs, whether libundead.so can work
 * on a binary and why. It prints the probe (shim/core/probe.h) the shim
 * itself runs at start-up, so its verdict is the shim's: the ELF facts, the
 * Go release and what undead knows of it, where the runtime layout comes
 * from and which sources agree, where goroutines in C are parked, the hook
 * sites, the exported Go functions and the gate frames.
 *
 * Exit 0: the shim can work; 1: it cannot (each reason is listed once); 2:
 * bad usage, a file that is not a readable ELF, or out of memory; 3 (from
 * undead.c): stdout could not be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "debuginfo.h"
#include "image.h"
#include "json_write.h"
#include "layout.h"
#include "pclntab.h"
#include "probe.h"
#include "report.h"
#include "run_target.h"

static const char *yes(bool b) { return b ? "yes" : "no"; }

static const char *release_note(const ud_probe *p, char *buf, size_t cap) {
  char vb[16], nb[16];
  if (p->release == 0)
    snprintf(buf, cap, "unknown (no build info)");
  else if (p->row == NULL)
    snprintf(buf, cap, "%s: older than every release undead supports (1.19 and later)",
             ud_goversion_name(p->release, vb, sizeof vb));
  else if (!p->row_exact)
    snprintf(buf, cap, "%s: newer than every release undead knows (%s): each fact is read from "
             "the binary and cross-checked", ud_goversion_name(p->release, vb, sizeof vb),
             ud_goversion_name(p->row->version, nb, sizeof nb));
  else
    snprintf(buf, cap, "%s: %s", ud_goversion_name(p->release, vb, sizeof vb),
             p->row->tested ? "tested with a real toolchain" : "known from its sources, not tested here");
  return buf;
}

static const char *dwarf_note(const ud_probe *p, char *buf, size_t cap) {
  if (!p->dwarf)
    return "absent (reports name slots by offset)";
  if (p->dwarf_separate != NULL)
    snprintf(buf, cap, "in a separate debug file, %s: %s", p->go_dwarf ? "Go's" : "only the C objects'",
             p->dwarf_separate);
  else
    snprintf(buf, cap, "%s", p->go_dwarf ? "present, Go's (slot names in reports)"
                                         : "present, only the C objects' (a -ldflags=-w build: "
                                           "slots named by offset)");
  return buf;
}

static void print_calls(const char *what, const ud_call_list *l) {
  if (l->error[0]) {
    printf("    %-15s MISSING: %s\n", what, l->error);
    return;
  }
  printf("    %-15s %zu call site(s) in %s to %s:", what, l->n, l->caller, l->callee);
  for (size_t k = 0; k < l->n; k++)
    printf(" %#llx", (unsigned long long)l->call[k]);
  printf("\n");
}

/* Every stackalloc and stackfree call of the runtime (own_small_stacks);
 * read when the binary has a function table. */
static ud_stack_sites stacks;
static bool stacks_read;

static void print_stack_calls(void) {
  if (!stacks_read)
    return;
  if (stacks.error[0]) {
    printf("    %-15s 2 KiB stacks stay on the runtime's pages (own_small_stacks): %s\n",
           "small stacks", stacks.error);
    return;
  }
  printf("    %-15s %zu call site(s) to runtime.stackalloc:", "small stacks", stacks.nalloc);
  for (size_t k = 0; k < stacks.nalloc; k++)
    printf(" %#llx", (unsigned long long)stacks.alloc[k]);
  printf("\n    %-15s %zu to runtime.stackfree:", "", stacks.nfree);
  for (size_t k = 0; k < stacks.nfree; k++)
    printf(" %#llx", (unsigned long long)stacks.free[k]);
  printf(" (own_small_stacks, with quarantine=1)\n");
}

static void print_slots(const ud_gate_desc *g, bool candidates) {
  for (size_t k = 0; k < g->nslots; k++)
    if (g->live_at_y[k] != candidates)
      printf(" %s@sp+%d%s%s", g->slots[k].kind == UD_SLOT_ARG ? "arg" : "local", g->slots[k].sp_off,
             g->names[k][0] ? "=" : "", g->names[k]);
}

static void print_text(const char *path, const ud_probe *p) {
  char buf[256];
  printf("undead doctor: %s\n", path);
  printf("  Go version       %s\n", p->go_version ? p->go_version : "unknown (no build info)");
  printf("  Go release       %s\n", release_note(p, buf, sizeof buf));
  printf("  cgo              %s%s\n", yes(p->cgo), p->cgo ? " (crosscall2)" : "");
  printf("  PIE              %s\n", yes(p->pie));
  printf("  linking          %s\n",
         p->library ? "a shared library (c-shared): watched in any program that loads it with the "
                      "shim preloaded"
         : p->dynamic ? "dynamic: LD_PRELOAD applies"
                      : "static: LD_PRELOAD does not apply");
  printf("  .symtab          %s\n", p->symtab ? "present" : "absent (stripped)");
  char dbuf[4200];
  printf("  DWARF            %s\n", dwarf_note(p, dbuf, sizeof dbuf));
  if (p->nfuncs == 0)
    goto verdict; /* not a Go program: nothing below applies */
  printf("  function table   %zu functions (pclntab magic %#x)\n", p->nfuncs, p->magic);
  if (p->layout_ok) {
    printf("  runtime layout   from the %s%s%s\n", p->layout.source,
           p->layout.agreed[0] ? ", agreeing: " : " (no other source to check it against)",
           p->layout.agreed);
    size_t n;
    const ud_layout_field *f = ud_layout_fields(&n);
    printf("                  ");
    for (size_t i = 0; i < n; i++)
      printf(" %s %d", f[i].name, ud_layout_get(&p->layout, &f[i]));
    printf("\n");
  } else {
    printf("  runtime layout   unusable: %s\n", p->layout_error);
  }
  for (int s = 0; s < UD_LSRC_COUNT; s++)
    printf("    %-16s %s\n", ud_layout_source_name(s),
           !p->sources.ok[s] ? p->sources.why[s] : s == UD_LSRC_TYPES ? p->sources.where : "read");
  if (p->park_ok)
    printf("  parked in C      g.sched.pc %#llx (runtime.systemstack_switch), Y at g.sched.sp+%d\n",
           (unsigned long long)p->park.pc, p->park.spdelta);
  else if (p->layout_ok)
    printf("  parked in C      unknown: %s\n", p->park_error);
  printf("  hook sites\n");
  print_calls("growth", &p->sites.growth);
  print_calls("shrink", &p->sites.shrink);
  print_calls("callback entry", &p->sites.cb_enter);
  print_calls("callback run", &p->sites.cb_run);
  print_calls("callback return", &p->sites.cb_return);
  print_calls("left stack free", &p->sites.left_free);
  print_stack_calls();
  if (p->sites.exit_entry)
    printf("    %-15s runtime.exit at %#llx (counts written at exit)\n", "exit",
           (unsigned long long)p->sites.exit_entry);
  else
    printf("    %-15s MISSING (no counts at exit): %s\n", "exit", p->sites.exit_error);
  if (p->sites.resume_error[0] == 0)
    printf("    %-15s asmcgocall resumes at %s, %d byte(s) below its return address (saved at F%+d, "
           "g at F%+d, F = (g0.sched.sp - %d) & %#llx)\n",
           "resume point", p->sites.resume.depth ? "g.stack.hi - the saved depth" : "the saved SP itself",
           p->sites.resume.ret_off, p->sites.resume.word_disp, p->sites.resume.g_disp,
           p->sites.resume.frame_sub, (unsigned long long)p->sites.resume.frame_and);
  else
    printf("    %-15s not checked: %s\n", "resume point", p->sites.resume_error);
  printf("  exported Go      %zu function(s)%s\n", p->nexports,
         p->nexports ? " (//export: C can call back into Go)" : ": C cannot call back into Go");
  printf("  gate frames      %zu\n", p->ngates_total);
  for (size_t i = 0; i < p->ngates; i++) {
    const ud_gate_desc *g = &p->gates[i];
    printf("    %s X %#llx %s:%d (after %s) Y %#llx %s:%d\n", g->name, (unsigned long long)g->gate.x_ret,
           ud_report_basename(g->x_file), g->x_line,
           g->gate.x_callee ? g->gate.x_callee : "runtime.entersyscall",
           (unsigned long long)g->gate.y_ret, ud_report_basename(g->y_file), g->y_line);
    if (!g->usable) {
      printf("      unusable: %s\n", g->error);
      continue;
    }
    printf("      %zu undead candidate slot(s) (live at X, dead at Y)%s", g->ncand,
           g->ncand ? ":" : ": the runtime keeps them alive across the call");
    print_slots(g, true);
    printf("\n      %zu slot(s) live at X and Y%s", g->nslots - g->ncand, g->nslots > g->ncand ? ":" : "");
    print_slots(g, false);
    printf("\n");
  }
verdict:
  if (p->nreasons == 0 && p->nothing_to_watch) {
    printf("verdict: the shim can work on this binary, but nothing will be checked: no Go "
           "function is exported to C, so no callback can open a gate\n");
    return;
  }
  if (p->nreasons == 0) {
    printf("verdict: the shim can work on this binary\n");
    return;
  }
  printf("verdict: the shim cannot work on this binary:\n");
  for (size_t i = 0; i < p->nreasons; i++)
    printf("  - %s\n", p->reasons[i]);
}

static void jstr(const char *s) { json_write_str(stdout, s ? s : ""); }

static void json_calls(const char *key, const ud_call_list *l) {
  printf(",\"%s\":{\"caller\":", key);
  jstr(l->caller);
  printf(",\"callee\":");
  jstr(l->callee);
  printf(",\"sites\":[");
  for (size_t k = 0; k < l->n; k++)
    printf("%s\"%#llx\"", k ? "," : "", (unsigned long long)l->call[k]);
  printf("],\"error\":");
  jstr(l->error);
  printf("}");
}

static void print_json(const char *path, const ud_probe *p) {
  char vb[16];
  printf("{\"binary\":");
  jstr(path);
  printf(",\"ok\":%s,\"nothing_to_watch\":%s,\"reasons\":[", p->nreasons ? "false" : "true",
         p->nothing_to_watch ? "true" : "false");
  for (size_t i = 0; i < p->nreasons; i++) {
    printf(i ? "," : "");
    jstr(p->reasons[i]);
  }
  printf("],\"go_version\":");
  jstr(p->go_version);
  printf(",\"release\":");
  jstr(p->release ? ud_goversion_name(p->release, vb, sizeof vb) : "");
  printf(",\"release_known\":%s,\"release_tested\":%s", p->row && p->row_exact ? "true" : "false",
         p->row && p->row_exact && p->row->tested ? "true" : "false");
  printf(",\"library\":%s,\"dwarf_file\":", p->library ? "true" : "false");
  jstr(p->dwarf_separate);
  printf(",\"cgo\":%s,\"pie\":%s,\"dynamic\":%s,\"symtab\":%s,\"dwarf\":%s,\"go_dwarf\":%s,"
         "\"functions\":%zu,\"exports\":%zu",
         p->cgo ? "true" : "false", p->pie ? "true" : "false",
         p->dynamic ? "true" : "false", p->symtab ? "true" : "false", p->dwarf ? "true" : "false",
         p->go_dwarf ? "true" : "false", p->nfuncs, p->nexports);
  printf(",\"layout\":{\"source\":");
  jstr(p->layout_ok ? p->layout.source : "");
  printf(",\"agreed\":");
  jstr(p->layout_ok ? p->layout.agreed : "");
  printf(",\"error\":");
  jstr(p->layout_error);
  printf(",\"sources\":{");
  static const char *const keys[UD_LSRC_COUNT] = {"types", "dwarf", "table"};
  for (int s = 0; s < UD_LSRC_COUNT; s++) {
    printf("%s\"%s\":{\"ok\":%s,\"error\":", s ? "," : "", keys[s], p->sources.ok[s] ? "true" : "false");
    jstr(p->sources.ok[s] ? "" : p->sources.why[s]);
    printf("}");
  }
  printf("},\"fields\":{");
  size_t n;
  const ud_layout_field *f = ud_layout_fields(&n);
  for (size_t i = 0; p->layout_ok && i < n; i++)
    printf("%s\"%s\":%d", i ? "," : "", f[i].name, ud_layout_get(&p->layout, &f[i]));
  printf("}},\"park\":{\"pc\":\"%#llx\",\"spdelta\":%d,\"error\":", (unsigned long long)p->park.pc,
         p->park.spdelta);
  jstr(p->park_error);
  printf("},\"hooks\":{\"exit\":");
  if (p->sites.exit_entry)
    printf("\"%#llx\"", (unsigned long long)p->sites.exit_entry);
  else
    printf("null");
  json_calls("growth", &p->sites.growth);
  json_calls("shrink", &p->sites.shrink);
  json_calls("callback_enter", &p->sites.cb_enter);
  json_calls("callback_run", &p->sites.cb_run);
  json_calls("callback_return", &p->sites.cb_return);
  json_calls("left_stack_free", &p->sites.left_free);
  printf(",\"small_stacks\":");
  if (stacks_read) {
    printf("{\"stackalloc\":[");
    for (size_t k = 0; k < stacks.nalloc; k++)
      printf("%s\"%#llx\"", k ? "," : "", (unsigned long long)stacks.alloc[k]);
    printf("],\"stackfree\":[");
    for (size_t k = 0; k < stacks.nfree; k++)
      printf("%s\"%#llx\"", k ? "," : "", (unsigned long long)stacks.free[k]);
    printf("],\"error\":");
    jstr(stacks.error);
    printf("}");
  } else {
    printf("null");
  }
  printf(",\"resume_point\":");
  if (p->sites.resume_error[0] == 0)
    printf("{\"rule\":\"%s\",\"frame_sub\":%d,\"word_disp\":%d,\"g_disp\":%d,\"ret_off\":%d}",
           p->sites.resume.depth ? "depth" : "absolute", p->sites.resume.frame_sub,
           p->sites.resume.word_disp, p->sites.resume.g_disp, p->sites.resume.ret_off);
  else
    printf("null");
  printf("},\"gates\":[");
  for (size_t i = 0; i < p->ngates; i++) {
    const ud_gate_desc *g = &p->gates[i];
    printf("%s{\"func\":", i ? "," : "");
    jstr(g->name);
    printf(",\"x\":{\"pc\":\"%#llx\",\"file\":", (unsigned long long)g->gate.x_ret);
    jstr(g->x_file);
    printf(",\"line\":%d,\"callee\":", g->x_line);
    jstr(g->gate.x_callee ? g->gate.x_callee : "runtime.entersyscall");
    printf("},\"y\":{\"pc\":\"%#llx\",\"file\":", (unsigned long long)g->gate.y_ret);
    jstr(g->y_file);
    printf(",\"line\":%d},\"error\":", g->y_line);
    jstr(g->error);
    printf(",\"slots\":[");
    for (size_t k = 0; k < g->nslots; k++) {
      printf("%s{\"kind\":\"%s\",\"sp_off\":%d,\"live_at_y\":%s,\"name\":", k ? "," : "",
             g->slots[k].kind == UD_SLOT_ARG ? "arg" : "local", g->slots[k].sp_off,
             g->live_at_y[k] ? "true" : "false");
      jstr(g->names[k]);
      printf("}");
    }
    printf("]}");
  }
  printf("]}\n");
}

static const char usage[] =
    "usage: undead doctor [--json] [--debuginfo-path PATH] BINARY\n"
    "\n"
    "Says whether libundead.so can work on BINARY (a Go program, a C program with a\n"
    "Go archive linked in, or a Go shared library), and why: the same probe the shim\n"
    "runs at start-up. Go version and release, cgo, PIE, linking, symbols and DWARF\n"
    "(Go's or only the C objects'), where the runtime layout comes from (the binary's\n"
    "type descriptors, DWARF, the release's table) and which sources agree, where a\n"
    "goroutine in C is parked, each hook site found or missing, the exported Go\n"
    "functions (none: nothing can call back, nothing to check), the gate frames and\n"
    "their slots. A BINARY without a slash that is no file in the current directory\n"
    "is looked up in PATH. A binary without DWARF of its own is looked up in\n"
    "separate debug files (build ID, debuglink, debuginfod when DEBUGINFOD_URLS is\n"
    "set).\n"
    "\n"
    "  --json   the same facts as one JSON object: {binary, ok, nothing_to_watch,\n"
    "           reasons, go_version, release, release_known, release_tested, library,\n"
    "           cgo, pie, dynamic, symtab, dwarf, go_dwarf, functions, exports,\n"
    "           layout, park, hooks, gates}; addresses are \"0x...\" strings\n"
    "           (link-time); dwarf_file: the separate debug file read, or \"\".\n"
    "  --debuginfo-path PATH  where separate debug files are looked for (elfutils'\n"
    "           form, default \":.debug:/usr/lib/debug\").\n"
    "\n"
    "Exit status: 0 it can work, 1 it cannot (reasons listed), 2 bad usage or input\n"
    "(or out of memory), 3 the output could not be written.\n";

int cmd_doctor(int argc, char **argv) {
  bool json = false;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--debuginfo-path") == 0) {
      if (i + 1 == argc) {
        fprintf(stderr, "undead doctor: --debuginfo-path needs a path\n");
        return 2;
      }
      ud_debuginfo_configure(argv[++i], true);
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
    fprintf(stderr, "undead doctor: no binary given (usage: undead doctor [--json] "
                    "[--debuginfo-path PATH] BINARY)\n");
    return 2;
  }
  /* A name without a slash that is not a file here is looked up in PATH,
   * as `undead run` (execvp) does; not found, it stays as given and
   * opening it says why. */
  char found[PATH_MAX];
  if (strchr(path, '/') == NULL && access(path, F_OK) != 0 &&
      ud_find_command(path, found, sizeof found))
    path = found;
  ud_err err = {0};
  ud_image *img = ud_image_open(path, &err);
  if (img == NULL) {
    /* the core's message names the file already */
    fprintf(stderr, "undead doctor: %s\n", err.msg);
    return 2;
  }
  ud_probe *p = calloc(1, sizeof *p);
  if (p == NULL) {
    fprintf(stderr, "undead doctor: out of memory\n");
    ud_image_close(img);
    return 2;
  }
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  ud_probe_binary(img, tab, err.msg, p);
  if (tab != NULL) {
    ud_sites_find_stacks(img, tab, &stacks);
    stacks_read = true;
  }
  if (json)
    print_json(path, p);
  else
    print_text(path, p);
  int status = p->nreasons ? 1 : 0;
  free(p);
  if (tab)
    ud_pclntab_close(tab);
  ud_image_close(img);
  return status;
}
