/* gate_table: the watched runtime's gate frames (see gate_table.h). */
#include "gate_table.h"

#include <string.h>

/* The report-once flags of every gate entry loaded in the process (at most
 * 8 runtimes of UD_GATE_MAX gates), handed out at load. */
enum { CLAIM_ENTRIES = 8 * UD_GATE_MAX };
static uint8_t claimed[CLAIM_ENTRIES][UD_GATE_NKEYS];
static uint8_t claimed_spare[UD_GATE_NKEYS]; /* past that, shared */
static size_t nclaimed;

size_t ud_gate_table_load(ud_gate_table *t, const ud_probe *p, uint64_t bias) {
  memset(t, 0, sizeof *t);
  t->park_pc = p->park.pc + bias;
  t->park_spdelta = p->park.spdelta;
  for (size_t i = 0; i < p->ngates; i++) {
    const ud_gate_desc *pg = &p->gates[i];
    if (!pg->usable)
      continue;
    ud_gate_entry *gi = &t->gates[t->n++];
    size_t c = __atomic_fetch_add(&nclaimed, 1, __ATOMIC_RELAXED);
    gi->reported = c < CLAIM_ENTRIES ? claimed[c] : claimed_spare;
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
  return __atomic_exchange_n(&gi->reported[key], 1, __ATOMIC_ACQ_REL) == 0;
}
