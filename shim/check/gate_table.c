/* gate_table: the watched runtime's gate frames (see gate_table.h). */
#include "gate_table.h"

#include <string.h>

size_t ud_gate_table_load(ud_gate_table *t, const ud_probe *p, uint64_t bias) {
  memset(t, 0, sizeof *t);
  t->park_pc = p->park.pc + bias;
  t->park_spdelta = p->park.spdelta;
  for (size_t i = 0; i < p->ngates; i++) {
    const ud_gate_desc *pg = &p->gates[i];
    if (!pg->usable)
      continue;
    ud_gate_entry *gi = &t->gates[t->n++];
    gi->func_name = pg->name;
    gi->x_pc = pg->gate.x_ret + bias;
    gi->y_pc = pg->gate.y_ret + bias;
    t->y_min = t->n == 1 || gi->y_pc < t->y_min ? gi->y_pc : t->y_min;
    t->y_max = gi->y_pc > t->y_max ? gi->y_pc : t->y_max;
    gi->x_callee = pg->gate.x_callee ? pg->gate.x_callee : "runtime.entersyscall";
    gi->y_callee = "runtime.asmcgocall";
    gi->x_file = pg->x_file, gi->x_line = pg->x_line;
    gi->y_file = pg->y_file, gi->y_line = pg->y_line;
    gi->frame_size = pg->frame_size;
    gi->nslots = pg->nslots;
    gi->ncand = pg->ncand;
    t->ncand += pg->ncand;
    for (size_t k = 0; k < pg->nslots; k++) {
      ud_gate_slot *s = &gi->slots[k];
      s->sp_off = pg->slots[k].sp_off;
      s->kind = pg->slots[k].kind;
      s->live_at_y = pg->live_at_y[k];
      memcpy(s->name, pg->names[k], sizeof s->name);
    }
  }
  return t->n;
}

const ud_gate_entry *ud_gate_by_x(const ud_gate_table *t, uint64_t x_pc) {
  for (size_t i = 0; i < t->n; i++)
    if (t->gates[i].x_pc == x_pc)
      return &t->gates[i];
  return NULL;
}

const ud_gate_entry *ud_gate_by_y(const ud_gate_table *t, uint64_t y_pc) {
  for (size_t i = 0; i < t->n; i++)
    if (t->gates[i].y_pc == y_pc)
      return &t->gates[i];
  return NULL;
}

bool ud_gate_claim(const ud_gate_entry *gi, size_t key) {
  if (key >= UD_GATE_NKEYS)
    return false;
  uint8_t *flag = (uint8_t *)&gi->reported[key]; /* the one mutable field */
  return __atomic_exchange_n(flag, 1, __ATOMIC_ACQ_REL) == 0;
}
