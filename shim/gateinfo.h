/* gateinfo: the gate frames of the running executable, precomputed once in
 * the constructor: X and Y as run-time addresses, the frame geometry, every
 * pointer slot live at X (what the GC traces while the goroutine is in C)
 * and whether it is also live at Y (what the stack copier adjusts), with the
 * slot's Go name where DWARF has it. Read-only after start-up, except the
 * per-slot "already reported" flags. */
#ifndef UNDEAD_GATEINFO_H
#define UNDEAD_GATEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gates.h"
#include "image.h"
#include "pclntab.h"

enum { UD_GATE_MAX = 16, UD_GATE_MAX_SLOTS = 48 };
/* Report-once keys beyond the slots: the g fields checked at release. */
enum { UD_GATE_KEY_SYSCALLSP = UD_GATE_MAX_SLOTS, UD_GATE_KEY_SYSCALLBP, UD_GATE_NKEYS };

typedef struct ud_gate_slot {
  int32_t sp_off;    /* from the gate frame's SP */
  uint8_t kind;      /* enum ud_slot_kind */
  bool live_at_y;    /* false: an undead candidate */
  char name[48];     /* Go variable, or "" */
} ud_gate_slot;

typedef struct ud_gate_info {
  ud_func fn;
  const char *func_name;
  uint64_t x_pc, y_pc;          /* run-time return addresses */
  const char *x_callee, *y_callee;
  const char *x_file, *y_file;
  int32_t x_line, y_line;
  int32_t frame_size;           /* spdelta at X (== at Y) */
  size_t nslots, ncand;
  ud_gate_slot slots[UD_GATE_MAX_SLOTS];
  uint8_t reported[UD_GATE_NKEYS]; /* set once a report named the slot */
} ud_gate_info;

/* Finds and describes the gates. Returns the number usable (0: the caller
 * turns the shim off, why says so). Gates the core cannot describe are
 * skipped and counted in *skipped. */
size_t ud_gateinfo_load(const ud_image *img, const ud_pclntab *tab, uint64_t bias,
                        size_t *skipped, char *why, size_t cap);

/* Where asmcgocall leaves a goroutine while C runs: g.sched.pc is
 * runtime.systemstack_switch (Go 1.19) or systemstack_switch+8 (current
 * Go), and the return address Y sits that frame's spdelta bytes above
 * g.sched.sp (0 in Go 1.19; 8 in current Go, whose asmcgocall saves BP),
 * just below the gate frame. */
typedef struct ud_switch_info {
  uint64_t pc[2];     /* run-time; 0 if that pc has no frame size */
  int32_t spdelta[2];
} ud_switch_info;
/* The slot holding Y for a goroutine whose sched is (pc, sp); 0 if pc is
 * not a systemstack_switch pc. */
uint64_t ud_gateinfo_y_slot(uint64_t sched_pc, uint64_t sched_sp);

/* The gate whose X is x_pc (run-time), or NULL. Lock-free: the table is
 * immutable after start-up. */
const ud_gate_info *ud_gateinfo_by_x(uint64_t x_pc);
size_t ud_gateinfo_count(void);
const ud_gate_info *ud_gateinfo_at(size_t i);
/* Marks key (a slot index or UD_GATE_KEY_*) of gate gi reported; true the
 * first time. */
bool ud_gateinfo_claim(const ud_gate_info *gi, size_t key);

#endif
