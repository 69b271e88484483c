/* gate_table: the gate frames of a watched runtime, precomputed once from
 * the probe (probe.h): X and Y as run-time addresses, the frame geometry,
 * every pointer slot live at X (what the GC traces while the goroutine is
 * in C), whether it is also live at Y (what the stack copier adjusts), its
 * Go name, and where a goroutine in C is parked. Read-only after start-up,
 * except the per-slot "already reported" flags. */
#ifndef UNDEAD_GATE_TABLE_H
#define UNDEAD_GATE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pclntab.h"
#include "probe.h"

enum { UD_GATE_MAX = UD_PROBE_GATES, UD_GATE_MAX_SLOTS = UD_PROBE_SLOTS };
/* Report-once keys beyond the slots: the g fields checked at callback
 * return, a move in a system call, a stale frame pointer. */
enum { UD_GATE_KEY_SYSCALLSP = UD_GATE_MAX_SLOTS, UD_GATE_KEY_SYSCALLBP, UD_GATE_KEY_MOVE_IN_SYSCALL,
       UD_GATE_KEY_FRAME_POINTER, UD_GATE_KEY_RESUME_POINT, UD_GATE_KEY_C_ARGUMENT, UD_GATE_NKEYS };

typedef struct ud_gate_slot {
  int32_t sp_off;    /* from the gate frame's SP */
  uint8_t kind;      /* enum ud_slot_kind */
  bool live_at_y;    /* false: an undead candidate */
  char name[48];     /* Go variable, or "" */
} ud_gate_slot;

typedef struct ud_gate_entry {
  const char *func_name;
  uint64_t x_pc, y_pc;          /* run-time return addresses */
  const char *x_callee, *y_callee;
  const char *x_file, *y_file;
  int32_t x_line, y_line;
  int32_t frame_size;           /* spdelta at X (== at Y) */
  size_t nslots, ncand;
  ud_gate_slot slots[UD_GATE_MAX_SLOTS];
  uint8_t *reported;  /* UD_GATE_NKEYS flags, set once a report named the key;
                       * the only state written after start-up, kept outside
                       * the read-only entry (gate_table.c) */
} ud_gate_entry;

typedef struct ud_gate_table {
  ud_gate_entry gates[UD_GATE_MAX];
  size_t n, ncand;   /* ncand: undead candidates over all gates */
  uint64_t y_min, y_max; /* every gate's Y is in [y_min, y_max] */
  uint64_t park_pc;  /* run-time: g.sched.pc of a goroutine parked in C */
  int32_t park_spdelta;
} ud_gate_table;

/* Fills t from the probe's usable gates; the number of gates. */
size_t ud_gate_table_load(ud_gate_table *t, const ud_probe *p, uint64_t bias);

/* The gate whose X (run-time) is x_pc, or NULL. */
const ud_gate_entry *ud_gate_by_x(const ud_gate_table *t, uint64_t x_pc);
/* The gate whose Y (run-time) is y_pc, or NULL. */
const ud_gate_entry *ud_gate_by_y(const ud_gate_table *t, uint64_t y_pc);

/* Marks key (a slot index or UD_GATE_KEY_*) of gate gi reported; true the
 * first time. */
bool ud_gate_claim(const ud_gate_entry *gi, size_t key);

#endif
