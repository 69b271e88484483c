/* probe: every fact the shim depends on, and the verdict (see probe.h). */
#include "probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dwarfvars.h"

__attribute__((format(printf, 2, 3))) static void reason(ud_probe *p, const char *fmt, ...) {
  char buf[sizeof p->reasons[0]];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  for (size_t i = 0; i < p->nreasons; i++)
    if (strcmp(p->reasons[i], buf) == 0)
      return; /* each reason once */
  if (p->nreasons < UD_PROBE_REASONS)
    memcpy(p->reasons[p->nreasons++], buf, sizeof buf);
}

static void describe_gate(ud_gate_desc *g) {
  ud_err err = {0};
  if (ud_gate_slots(&g->gate, g->slots, g->live_at_y, UD_PROBE_SLOTS, &g->nslots, &g->frame_size,
                    &err) != UD_OK) {
    snprintf(g->error, sizeof g->error, "%s", err.msg);
    g->nslots = 0;
    return;
  }
  if (g->nslots > UD_PROBE_SLOTS) {
    snprintf(g->error, sizeof g->error, "%s: more than %d live slots", g->name, UD_PROBE_SLOTS);
    g->nslots = 0;
    return;
  }
  for (size_t i = 0; i < g->nslots; i++)
    g->ncand += !g->live_at_y[i];
  g->usable = true;
}

static void probe_gates(const ud_image *img, const ud_pclntab *tab, bool with_dwarf, ud_probe *p) {
  ud_gate_func found[UD_PROBE_GATES];
  ud_err err = {0};
  if (ud_gate_funcs_find(img, tab, found, UD_PROBE_GATES, &p->ngates_total, &err) != UD_OK) {
    snprintf(p->gates_error, sizeof p->gates_error, "cannot find the gate frames: %s", err.msg);
    reason(p, "%s", p->gates_error);
    return;
  }
  p->ngates = p->ngates_total < UD_PROBE_GATES ? p->ngates_total : UD_PROBE_GATES;
  for (size_t i = 0; i < p->ngates; i++) {
    ud_gate_desc *g = &p->gates[i];
    g->gate = found[i];
    g->name = ud_func_name(&g->gate.fn);
    if (!ud_func_fileline(&g->gate.fn, g->gate.x_ret - 1, &g->x_file, &g->x_line))
      g->x_file = "", g->x_line = 0;
    if (!ud_func_fileline(&g->gate.fn, g->gate.y_ret - 1, &g->y_file, &g->y_line))
      g->y_file = "", g->y_line = 0;
    describe_gate(g);
    p->nusable += p->gates[i].usable;
  }
  /* Names: the DWARF is only worth reading when a gate has undead
   * candidates; without it, slots holding arguments are named by the
   * signature. */
  bool any_cand = false;
  for (size_t i = 0; i < p->ngates; i++)
    any_cand |= p->gates[i].ncand > 0;
  ud_err derr = {0};
  ud_dwarfvars *dv = with_dwarf && any_cand && p->dwarf ? ud_dwarfvars_open(img, &derr) : NULL;
  for (size_t i = 0; i < p->ngates; i++) {
    ud_gate_desc *g = &p->gates[i];
    for (size_t k = 0; k < g->nslots; k++)
      ud_gate_slot_name(img, dv, &g->gate.fn, g->gate.x_ret, g->slots[k].kind, g->slots[k].sp_off,
                        g->frame_size + 8, g->names[k], sizeof g->names[k]);
  }
  ud_dwarfvars_close(dv);
  if (p->ngates == 0) {
    snprintf(p->gates_error, sizeof p->gates_error,
             "no gate frame (runtime.cgocall calling entersyscall and asmcgocall) found");
    reason(p, "%s", p->gates_error);
  } else if (p->nusable == 0) {
    snprintf(p->gates_error, sizeof p->gates_error, "no usable gate frame (%s)", p->gates[0].error);
    reason(p, "%s", p->gates_error);
  }
}

void ud_probe_binary(const ud_image *img, const ud_pclntab *tab, const char *tab_error, ud_probe *p) {
  ud_probe_binary_opt(img, tab, tab_error, true, p);
}

void ud_probe_binary_opt(const ud_image *img, const ud_pclntab *tab, const char *tab_error,
                         bool with_dwarf, ud_probe *p) {
  memset(p, 0, sizeof *p);
  p->go_version = ud_image_go_version(img);
  p->release = ud_image_go_release(img);
  p->row = ud_goversion_find(p->release, &p->row_exact);
  p->library = ud_image_is_library(img);
  p->pie = ud_image_is_pie(img) && !p->library;
  p->dynamic = ud_image_is_dynamic(img);
  p->symtab = ud_image_has_symtab(img);
  p->dwarf_read = with_dwarf;
  p->go_dwarf = with_dwarf && ud_image_has_go_dwarf(img);
  p->dwarf_separate = with_dwarf ? ud_image_dwarf_separate(img) : NULL;
  p->dwarf = ud_image_has_dwarf(img) || p->dwarf_separate != NULL;
  /* cgo: crosscall2, the C-to-Go entry of runtime/cgo (Go variables named
   * _cgo_* exist in pure Go programs too), in the function table, where
   * every build mode has it, stripped or not (a c-shared library's .dynsym
   * need not export it, a c-archive host's .symtab may be gone); the
   * dynamic symbol still counts where there is no table. */
  ud_func cc2;
  p->cgo = (tab != NULL && ud_pclntab_func_by_name(tab, "crosscall2", &cc2)) ||
           ud_image_symbol(img, "crosscall2", NULL, NULL);

  if (tab == NULL) {
    reason(p, "no readable Go function table%s%s", tab_error && tab_error[0] ? ": " : "",
           tab_error ? tab_error : "");
    return;
  }
  p->nfuncs = ud_pclntab_nfuncs(tab);
  p->magic = ud_pclntab_magic(tab);
  if (!p->dynamic)
    reason(p, "statically linked: LD_PRELOAD cannot load the shim (a Go program without cgo "
              "has no gate to check)");
  if (!p->cgo)
    reason(p, "does not use cgo: there is no gate between Go and C to check");
  if (p->release != 0 && p->row == NULL) {
    char vb[16];
    reason(p, "Go %s is older than every release undead supports (1.19 and later)",
           ud_goversion_name(p->release, vb, sizeof vb));
  }

  ud_err err = {0};
  p->layout_ok = ud_layout_load_opt(img, tab, with_dwarf, &p->layout, &p->sources, &err) == UD_OK;
  if (!p->layout_ok) {
    snprintf(p->layout_error, sizeof p->layout_error, "%s", err.msg);
    reason(p, "runtime layout: %s", err.msg);
  } else {
    err = (ud_err){0};
    p->park_ok = ud_gate_park_find(img, tab, p->layout.g_sched_pc, &p->park, &err) == UD_OK;
    if (!p->park_ok) {
      snprintf(p->park_error, sizeof p->park_error, "%s", err.msg);
      reason(p, "where goroutines in C are parked: %s", err.msg);
    }
  }
  probe_gates(img, tab, with_dwarf, p);
  err = (ud_err){0};
  p->sites_ok = ud_sites_find(img, tab, &p->sites, &err);
  if (!p->sites_ok)
    reason(p, "hook site: %s", err.msg);
  /* asmcgocall's own read of g.stack.hi is one more witness of the layout:
   * a rule that disagrees with it is not followed */
  if (p->sites.resume_error[0] == 0 && p->sites.resume.depth && p->layout_ok &&
      p->sites.resume.hi_disp != p->layout.g_stack_hi)
    snprintf(p->sites.resume_error, sizeof p->sites.resume_error,
             "runtime.asmcgocall reads g.stack.hi at +%d, the layout has it at +%d",
             p->sites.resume.hi_disp, p->layout.g_stack_hi);
  p->nexports = ud_pclntab_nexports(tab);
  p->nothing_to_watch = p->nreasons == 0 && p->nexports == 0;
}
