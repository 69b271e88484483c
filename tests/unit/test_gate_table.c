/* gate_table (shim/check/gate_table.c): the watched runtime's gates from a
 * probe: only usable gates, run-time addresses (the bias added), slots with
 * their liveness at Y and names, the candidate count, lookups by X and Y,
 * the Y range the stack scan filters with, and report-once claims. */
#include <string.h>

#include "gate_table.h"

#include "check.h"

static ud_probe p;

int main(void) {
  ud_func fn = {.tab = NULL, .raw = NULL, .entry = 0x1000, .end = 0x1100};
  p.park.pc = 0x5008;
  p.park.spdelta = 8;
  p.ngates = 3;
  p.gates[0] = (ud_gate_desc){.gate = {.fn = fn, .x_ret = 0x1010, .y_ret = 0x1040}, .name = "runtime.cgocall",
                               .x_file = "cgocall.go", .x_line = 167, .y_file = "cgocall.go", .y_line = 185,
                               .usable = true, .frame_size = 48, .nslots = 3, .ncand = 2};
  p.gates[0].slots[0] = (ud_live_slot){.sp_off = 32, .kind = UD_SLOT_LOCAL};
  p.gates[0].slots[1] = (ud_live_slot){.sp_off = 56, .kind = UD_SLOT_ARG};
  p.gates[0].slots[2] = (ud_live_slot){.sp_off = 64, .kind = UD_SLOT_ARG};
  p.gates[0].live_at_y[0] = true;
  strcpy(p.gates[0].names[2], "arg");
  p.gates[1] = (ud_gate_desc){.gate = {.fn = fn, .x_ret = 0x1080, .y_ret = 0x1090}, .usable = false};
  p.gates[2] = (ud_gate_desc){.gate = {.fn = fn, .x_ret = 0x10a0, .y_ret = 0x10c0}, .usable = true,
                               .frame_size = 16, .nslots = 0};
  ud_gate_table t;
  const uint64_t bias = 0x7f0000000000;
  CHECK(ud_gate_table_load(&t, &p, bias) == 2);
  CHECK(t.n == 2 && t.ncand == 2);
  CHECK(t.park_pc == 0x5008 + bias && t.park_spdelta == 8);
  CHECK(t.y_min == 0x1040 + bias && t.y_max == 0x10c0 + bias);
  const ud_gate_entry *g = ud_gate_by_x(&t, 0x1010 + bias);
  CHECK(g == &t.gates[0] && g->y_pc == 0x1040 + bias && g->frame_size == 48 && g->nslots == 3);
  CHECK(strcmp(g->func_name, "runtime.cgocall") == 0 && g->x_line == 167 && g->y_line == 185);
  CHECK(g->slots[0].live_at_y && !g->slots[1].live_at_y && !g->slots[2].live_at_y);
  CHECK(g->slots[2].kind == UD_SLOT_ARG && g->slots[2].sp_off == 64 && strcmp(g->slots[2].name, "arg") == 0);
  CHECK(ud_gate_by_y(&t, 0x10c0 + bias) == &t.gates[1]);
  CHECK(ud_gate_by_x(&t, 0x1080 + bias) == NULL); /* the unusable gate is not watched */
  CHECK(ud_gate_by_x(&t, 0x1010) == NULL);        /* link-time addresses are not run-time ones */
  CHECK(ud_gate_by_y(&t, 0x1010 + bias) == NULL);
  CHECK(ud_gate_claim(g, 1) && !ud_gate_claim(g, 1) && ud_gate_claim(g, 2));
  CHECK(ud_gate_claim(g, UD_GATE_KEY_SYSCALLSP) && !ud_gate_claim(g, UD_GATE_KEY_SYSCALLSP));
  CHECK(!ud_gate_claim(g, UD_GATE_NKEYS));
  CHECK(ud_gate_claim(&t.gates[1], 1)); /* per gate */
  return check_status();
}
