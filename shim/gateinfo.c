/* gateinfo: gate frames and their live-slot sets at X and Y. */
#include "gateinfo.h"

#include <stdio.h>
#include <string.h>

#include "stackmap.h"
#include "dwarfvars.h"

static ud_gate_info gates[UD_GATE_MAX];
static size_t ngates;
static ud_switch_info sw;

uint64_t ud_gateinfo_y_slot(uint64_t sched_pc, uint64_t sched_sp) {
  for (int i = 0; i < 2; i++)
    if (sw.pc[i] != 0 && sched_pc == sw.pc[i])
      return sched_sp + (uint64_t)sw.spdelta[i];
  return 0;
}

static bool load_switch(const ud_pclntab *tab, uint64_t bias, char *why, size_t cap) {
  ud_func f;
  memset(&sw, 0, sizeof sw);
  if (!ud_pclntab_func_by_name(tab, "runtime.systemstack_switch", &f)) {
    snprintf(why, cap, "runtime.systemstack_switch not found");
    return false;
  }
  /* asm_amd64.s: gosave_systemstack_switch stores systemstack_switch
   * (Go 1.19) or systemstack_switch+8 (current Go) */
  static const uint64_t at[2] = {0, 8};
  for (int i = 0; i < 2; i++) {
    int32_t d;
    if (f.entry + at[i] < f.end && ud_func_spdelta(&f, f.entry + at[i], &d) && d >= 0 && d <= 64) {
      sw.pc[i] = f.entry + at[i] + bias;
      sw.spdelta[i] = d;
    }
  }
  if (sw.pc[0] == 0 && sw.pc[1] == 0) {
    snprintf(why, cap, "runtime.systemstack_switch has no frame size");
    return false;
  }
  return true;
}

static bool describe(const ud_gate *g, uint64_t bias, ud_gate_info *gi, char *why, size_t cap) {
  ud_err err = {0};
  ud_frame_layout fx, fy;
  ud_live_slot xs[UD_GATE_MAX_SLOTS], ys[UD_GATE_MAX_SLOTS];
  size_t nx = 0, ny = 0;
  const char *name = ud_func_name(&g->fn);
  memset(gi, 0, sizeof *gi);
  if (ud_stackmap_live_at(&g->fn, g->x_ret, &fx, xs, UD_GATE_MAX_SLOTS, &nx, &err) != UD_OK ||
      ud_stackmap_live_at(&g->fn, g->y_ret, &fy, ys, UD_GATE_MAX_SLOTS, &ny, &err) != UD_OK) {
    snprintf(why, cap, "%.60s: no stack map at X or Y: %.100s", name, err.msg);
    return false;
  }
  if (nx > UD_GATE_MAX_SLOTS || ny > UD_GATE_MAX_SLOTS) {
    snprintf(why, cap, "%s: more than %d live slots", name, UD_GATE_MAX_SLOTS);
    return false;
  }
  if (fx.spdelta != fy.spdelta) {
    snprintf(why, cap, "%s: frame size differs at X and Y", name);
    return false;
  }
  gi->fn = g->fn;
  gi->func_name = name;
  gi->x_pc = g->x_ret + bias;
  gi->y_pc = g->y_ret + bias;
  gi->x_callee = g->x_callee ? g->x_callee : "runtime.entersyscall";
  gi->y_callee = "runtime.asmcgocall";
  gi->frame_size = fx.spdelta;
  if (!ud_func_fileline(&g->fn, g->x_ret - 1, &gi->x_file, &gi->x_line))
    gi->x_file = "", gi->x_line = 0;
  if (!ud_func_fileline(&g->fn, g->y_ret - 1, &gi->y_file, &gi->y_line))
    gi->y_file = "", gi->y_line = 0;
  for (size_t i = 0; i < nx; i++) {
    ud_gate_slot *s = &gi->slots[gi->nslots++];
    s->sp_off = xs[i].sp_off;
    s->kind = xs[i].kind;
    s->live_at_y = false;
    for (size_t j = 0; j < ny; j++)
      if (ys[j].sp_off == xs[i].sp_off)
        s->live_at_y = true;
    if (!s->live_at_y)
      gi->ncand++;
  }
  (void)fy;
  return true;
}

size_t ud_gateinfo_load(const ud_image *img, const ud_pclntab *tab, uint64_t bias,
                        size_t *skipped, char *why, size_t cap) {
  ud_gate found[UD_GATE_MAX];
  size_t n = 0;
  ud_err err = {0};
  *skipped = 0;
  ngates = 0;
  if (!load_switch(tab, bias, why, cap))
    return 0;
  if (ud_gates_find(img, tab, found, UD_GATE_MAX, &n, &err) != UD_OK) {
    snprintf(why, cap, "cannot find the gate frames: %s", err.msg);
    return 0;
  }
  if (n > UD_GATE_MAX) {
    *skipped += n - UD_GATE_MAX;
    n = UD_GATE_MAX;
  }
  char skipwhy[256] = "";
  for (size_t i = 0; i < n; i++) {
    if (describe(&found[i], bias, &gates[ngates], skipwhy, sizeof skipwhy))
      ngates++;
    else
      (*skipped)++;
  }
  if (ngates == 0) {
    if (skipwhy[0])
      snprintf(why, cap, "no usable gate frame (%s)", skipwhy);
    else
      snprintf(why, cap, "no gate frame (runtime.cgocall calling entersyscall and asmcgocall) found");
    return 0;
  }
  /* Names: the DWARF is only worth reading when a gate has undead
   * candidates; without it, arguments are named by the signature. */
  bool any_cand = false;
  for (size_t i = 0; i < ngates; i++)
    any_cand |= gates[i].ncand > 0;
  ud_err derr = {0};
  ud_dwarfvars *dv = any_cand ? ud_dwarfvars_open(img, &derr) : NULL;
  for (size_t i = 0; i < ngates; i++) {
    ud_gate_info *gi = &gates[i];
    for (size_t k = 0; k < gi->nslots; k++)
      ud_gate_slot_name(dv, &gi->fn, gi->x_pc - bias, gi->slots[k].kind,
                        gi->slots[k].sp_off - (gi->frame_size + 8), gi->slots[k].name,
                        sizeof gi->slots[k].name);
  }
  ud_dwarfvars_close(dv);
  return ngates;
}

const ud_gate_info *ud_gateinfo_by_x(uint64_t x_pc) {
  for (size_t i = 0; i < ngates; i++)
    if (gates[i].x_pc == x_pc)
      return &gates[i];
  return NULL;
}

size_t ud_gateinfo_count(void) { return ngates; }
const ud_gate_info *ud_gateinfo_at(size_t i) { return i < ngates ? &gates[i] : NULL; }

bool ud_gateinfo_claim(const ud_gate_info *gi, size_t key) {
  ud_gate_info *m = &gates[gi - gates];
  if (key >= UD_GATE_NKEYS)
    return false;
  return __atomic_exchange_n(&m->reported[key], 1, __ATOMIC_ACQ_REL) == 0;
}
