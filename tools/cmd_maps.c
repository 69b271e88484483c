/* undead maps: the live pointer slots of a Go function at each of its call
 * sites, as the garbage collector and the stack copier see them there. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dwarfvars.h"
#include "image.h"
#include "json_write.h"
#include "pclntab.h"
#include "stackmap.h"
#include "x86.h"

static const char maps_usage[] =
    "usage: undead maps [--json] BINARY FUNC\n"
    "\n"
    "For each call site (safe point) of the Go function FUNC (its full name, as\n"
    "in a traceback: main.f, runtime.cgocall, pkg.(*T).M), prints the CALL's PC\n"
    "and return PC, its file:line, the frame size there, and the stack slots that\n"
    "hold live pointers while the call is in progress: locals and arguments, with\n"
    "their offsets from the frame's sp and fp (fp = sp + frame size + 8, the\n"
    "caller's sp), named after the Go variable when the binary has DWARF.\n"
    "\n"
    "  --json   one JSON document: {binary, go_version, function, entry, end,\n"
    "           args_size, sites: [{pc, ret, file, line, callee, frame_size,\n"
    "           stackmap_index, error, slots: [{kind: \"local\"|\"arg\",\n"
    "           sp_offset, fp_offset, name}]}]}; addresses are \"0x...\" strings.\n"
    "\n"
    "Exit status: 0 done, 2 error, 3 the output could not be written.\n";

typedef struct maps_site {
  ud_call_site call;
  const char *file;
  int32_t line;
  const char *callee;
  ud_frame_layout frame;
  ud_live_slot *slots;
  size_t nslots;
  char error[256];
} maps_site;

static int fail_line(const char *msg) {
  fprintf(stderr, "undead maps: %s\n", msg);
  return 2;
}

/* The Go variable in a slot at a call site: DWARF locations are CFA-relative
 * (CFA = fp on amd64) and valid at the return address. */
static const char *slot_name(ud_dwarfvars *dv, const maps_site *s, const ud_live_slot *sl,
                             char *buf, size_t cap) {
  if (!dv)
    return NULL;
  int32_t cfa_off = sl->sp_off - s->frame.fp_off;
  return ud_dwarfvars_name(dv, s->call.ret, cfa_off, buf, cap) ? buf : NULL;
}

static int offset_width(int32_t v) {
  char b[16];
  return snprintf(b, sizeof b, "%+d", v);
}

static void print_text(const char *path, const ud_image *img, const ud_func *f, maps_site *sites,
                       size_t n, ud_dwarfvars *dv) {
  printf("%s in %s (%s)\n", ud_func_name(f), path,
         ud_image_go_version(img) ? ud_image_go_version(img) : "unknown Go version");
  printf("entry 0x%" PRIx64 ", %" PRIu64 " bytes of code, %d bytes of arguments, %zu call site%s\n",
         f->entry, f->end - f->entry, ud_func_args(f), n, n == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++) {
    maps_site *s = &sites[i];
    printf("\ncall 0x%" PRIx64 " ret 0x%" PRIx64 "  %s:%d", s->call.pc, s->call.ret, s->file,
           s->line);
    if (s->callee)
      printf("  -> %s", s->callee);
    putchar('\n');
    if (s->error[0]) {
      printf("  no stack map: %s\n", s->error);
      continue;
    }
    printf("  frame %d bytes, stack map index %d, %zu live pointer slot%s\n", s->frame.spdelta,
           s->frame.stackmap_index, s->nslots, s->nslots == 1 ? "" : "s");
    for (size_t k = 0; k < s->nslots; k++) {
      const ud_live_slot *sl = &s->slots[k];
      char buf[160];
      const char *name = slot_name(dv, s, sl, buf, sizeof buf);
      printf("    %-5s sp+%-5d fp%+d", sl->kind == UD_SLOT_ARG ? "arg" : "local", sl->sp_off,
             sl->sp_off - s->frame.fp_off);
      if (name)
        printf("%*s%s", 6 - offset_width(sl->sp_off - s->frame.fp_off), "", name);
      putchar('\n');
    }
  }
}

static void print_json(const char *path, const ud_image *img, const ud_func *f, maps_site *sites,
                       size_t n, ud_dwarfvars *dv) {
  fputs("{\"binary\":", stdout);
  json_write_str(stdout, path);
  fputs(",\"go_version\":", stdout);
  json_write_str(stdout, ud_image_go_version(img));
  fputs(",\"function\":", stdout);
  json_write_str(stdout, ud_func_name(f));
  printf(",\"entry\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",\"args_size\":%d,\"sites\":[",
         f->entry, f->end, ud_func_args(f));
  for (size_t i = 0; i < n; i++) {
    maps_site *s = &sites[i];
    printf("%s{\"pc\":\"0x%" PRIx64 "\",\"ret\":\"0x%" PRIx64 "\",\"file\":", i ? "," : "",
           s->call.pc, s->call.ret);
    json_write_str(stdout, s->file);
    printf(",\"line\":%d,\"callee\":", s->line);
    json_write_str(stdout, s->callee);
    if (s->error[0]) {
      fputs(",\"frame_size\":null,\"stackmap_index\":null,\"error\":", stdout);
      json_write_str(stdout, s->error);
      fputs(",\"slots\":[]}", stdout);
      continue;
    }
    printf(",\"frame_size\":%d,\"stackmap_index\":%d,\"error\":null,\"slots\":[", s->frame.spdelta,
           s->frame.stackmap_index);
    for (size_t k = 0; k < s->nslots; k++) {
      const ud_live_slot *sl = &s->slots[k];
      char buf[160];
      const char *name = slot_name(dv, s, sl, buf, sizeof buf);
      fputs(k ? "," : "", stdout);
      json_write_slot(stdout, sl, s->frame.fp_off, name);
    }
    fputs("]}", stdout);
  }
  fputs("]}\n", stdout);
}

/* Fills each site; a site where the runtime would find no stack map (an
 * assembly frame) keeps the reason instead of failing the whole command. */
static int fill_site(const ud_pclntab *tab, const ud_func *f, maps_site *s) {
  if (!ud_func_fileline(f, s->call.ret - 1, &s->file, &s->line)) {
    s->file = "?";
    s->line = 0;
  }
  ud_func callee;
  if (s->call.target && ud_pclntab_find_func(tab, s->call.target, &callee) &&
      callee.entry == s->call.target)
    s->callee = ud_func_name(&callee);
  size_t cap = 64;
  for (;;) {
    ud_err err = {0};
    free(s->slots);
    s->slots = malloc(cap * sizeof *s->slots);
    if (!s->slots)
      return ud_fail(NULL, UD_E_NOMEM, "oom");
    if (ud_stackmap_live_at(f, s->call.ret, &s->frame, s->slots, cap, &s->nslots, &err) != UD_OK) {
      snprintf(s->error, sizeof s->error, "%s", err.msg);
      s->nslots = 0;
      return UD_OK;
    }
    if (s->nslots <= cap)
      return UD_OK;
    cap = s->nslots;
  }
}

int cmd_maps(int argc, char **argv) {
  bool json = false;
  const char *path = NULL, *fname = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(maps_usage, stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = true;
    } else if (a[0] == '-' && a[1] && !path) {
      fprintf(stderr, "undead maps: unknown option '%s' (see undead maps --help)\n", a);
      return 2;
    } else if (!path) {
      path = a;
    } else if (!fname) {
      fname = a;
    } else {
      return fail_line("too many arguments (usage: undead maps [--json] BINARY FUNC)");
    }
  }
  if (!path || !fname)
    return fail_line("usage: undead maps [--json] BINARY FUNC");

  ud_err err = {0};
  ud_image *img = ud_image_open(path, &err);
  if (!img)
    return fail_line(err.msg);
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  if (!tab) {
    ud_image_close(img);
    return fail_line(err.msg);
  }
  int rc = 0;
  maps_site *sites = NULL;
  ud_call_site *calls = NULL;
  size_t n = 0;
  ud_func f;
  char msg[512];
  if (!ud_pclntab_func_by_name(tab, fname, &f)) {
    snprintf(msg, sizeof msg, "%s: no Go function named '%s'", path, fname);
    rc = fail_line(msg);
    goto out;
  }
  if (f.end <= f.entry || f.end - f.entry > (1u << 26)) {
    snprintf(msg, sizeof msg, "%s: function %s has a corrupt extent", path, fname);
    rc = fail_line(msg);
    goto out;
  }
  size_t cap = 256;
  for (;;) {
    calls = realloc(calls, cap * sizeof *calls);
    if (!calls) {
      rc = fail_line("out of memory");
      goto out;
    }
    if (ud_x86_calls(img, f.entry, f.end, calls, cap, &n, &err) != UD_OK) {
      rc = fail_line(err.msg);
      goto out;
    }
    if (n <= cap)
      break;
    cap = n;
  }
  sites = calloc(n ? n : 1, sizeof *sites);
  if (!sites) {
    rc = fail_line("out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    sites[i].call = calls[i];
    if (fill_site(tab, &f, &sites[i]) != UD_OK) {
      rc = fail_line("out of memory");
      goto out;
    }
  }
  ud_err ignore;
  ud_dwarfvars *dv = ud_dwarfvars_open(img, &ignore); /* names are optional */
  if (json)
    print_json(path, img, &f, sites, n, dv);
  else
    print_text(path, img, &f, sites, n, dv);
  ud_dwarfvars_close(dv); /* stdout is checked once, by main */
out:
  if (sites)
    for (size_t i = 0; i < n; i++)
      free(sites[i].slots);
  free(sites);
  free(calls);
  ud_pclntab_close(tab);
  ud_image_close(img);
  return rc;
}
