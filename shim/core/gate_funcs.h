/* gate_funcs: finding the gate functions of a Go binary.
 *
 * Three things carry the word "gate", one name each:
 *   - a gate function (ud_gate_func, here): a function of the binary that
 *     saves the syscall PC/SP (calls runtime.entersyscall or
 *     runtime.reentersyscall: the return address of that call is "X") and
 *     later, in the same frame, calls into foreign code (runtime.asmcgocall:
 *     return address "Y"), so that Go code can run in callbacks between the
 *     two; runtime.cgocall is the one every release has;
 *   - its description, X and Y with their source lines and the pointer slots
 *     live at X: ud_gate_desc (probe.h, link-time) and, in a watched
 *     runtime, ud_gate_entry (check/gate_table.h, run-time addresses);
 *   - a gate frame: an activation of a gate function found on a
 *     goroutine's stack, parked at Y while C runs (check/parked.h). The GC traces such a frame at X while a
 * callback's stack copy adjusts it at Y; a pointer slot live at X but dead at
 * Y is an undead candidate. */
#ifndef UNDEAD_GATE_FUNCS_H
#define UNDEAD_GATE_FUNCS_H

#include <stddef.h>
#include <stdint.h>

#include "dwarfvars.h"
#include "ud_error.h"
#include "image.h"
#include "pclntab.h"
#include "stackmap.h"

typedef struct ud_gate_func {
  ud_func fn;
  uint64_t x_ret;     /* return address of the entersyscall call */
  uint64_t y_ret;     /* return address of the asmcgocall call */
  const char *x_callee; /* name of the function called at X */
} ud_gate_func;

/* Every (X, Y) pair: X before Y in the same function. Sets *n to the total,
 * writes at most cap. */
int ud_gate_funcs_find(const ud_image *img, const ud_pclntab *tab, ud_gate_func *out,
                  size_t cap, size_t *n, ud_err *err);

/* The pointer slots live at X of gate g, in X's order, each with whether
 * it is also live at Y (false: an undead candidate, traced by the GC but
 * not adjusted by the copier), and the frame size. X and Y must be one
 * frame (the same spdelta), else UD_E_UNSUPPORTED. Writes at most cap,
 * sets *n to the total. */
int ud_gate_slots(const ud_gate_func *g, ud_live_slot *out, bool *live_at_y, size_t cap, size_t *n,
                  int32_t *frame_size, ud_err *err);

/* Where asmcgocall parks a goroutine while its C code runs:
 * gosave_systemstack_switch stores a pc inside runtime.systemstack_switch
 * into g.sched.pc (read from its code, `LEAQ pc(RIP), R9; MOVQ R9,
 * sched.pc(R14)`, whose store offset must be the layout's g.sched.pc), and
 * the unwinder's frame there is spdelta bytes: the return address into the
 * gate frame (Y) sits at g.sched.sp + spdelta. When a callback runs above
 * the gate, cgocallback has pushed that pc just below g.sched.sp. Where the
 * release has a row in goversion.h, the pc's offset into systemstack_switch
 * must be the row's. */
typedef struct ud_gate_park {
  uint64_t pc;     /* link-time */
  int32_t spdelta;
} ud_gate_park;
int ud_gate_park_find(const ud_image *img, const ud_pclntab *tab, int32_t sched_pc_off,
                      ud_gate_park *out, ud_err *err);

/* The Go variable a gate frame's slot holds, as written to out: the name
 * DWARF gives at the X return address when dv is open and knows it, else
 * the parameter of a runtime gate function it holds, by the signature:
 * - an argument by its position: a function's arguments sit in its
 *   caller's frame in declaration order, one word each here, so the offset
 *   from the frame pointer fixes the parameter. runtime.cgocall(fn, arg
 *   unsafe.Pointer) int32, the same from Go 1.17 (the register ABI's spill
 *   slots) to today;
 * - a local that the code before X fills once from an argument register
 *   still holding the argument (ud_x86_param_spill): Go 1.19 to 1.21 keep
 *   cgocall's `arg` so.
 * The slot is sp_off bytes above SP, fp_minus_sp the frame pointer's
 * distance from SP. False, out untouched, when none of these knows. */
bool ud_gate_slot_name(const ud_image *img, ud_dwarfvars *dv, const ud_func *fn, uint64_t x_ret,
                       uint8_t kind, int32_t sp_off, int32_t fp_minus_sp, char *out, size_t cap);

#endif
