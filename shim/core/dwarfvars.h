/* dwarfvars: the Go variable that a stack slot holds at a PC, from the
 * binary's DWARF (libdw).
 *
 * Go describes each parameter and local with a location list whose
 * stack-resident entries are DW_OP_fbreg N (the frame base is
 * DW_OP_call_frame_cfa, which is Go's frame fp = sp + spdelta + 8) or
 * DW_OP_call_frame_cfa alone, possibly in DW_OP_piece parts. libdw allocates
 * from the process's malloc: the shim may use this only before Go starts. */
#ifndef UNDEAD_DWARFVARS_H
#define UNDEAD_DWARFVARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
#include "image.h"

typedef struct ud_dwarfvars ud_dwarfvars;

/* NULL with UD_E_NOT_FOUND if the image has no DWARF, UD_E_CORRUPT if libdw
 * cannot read it. */
ud_dwarfvars *ud_dwarfvars_open(const ud_image *img, ud_err *err);
void ud_dwarfvars_close(ud_dwarfvars *dv);

/* Names the slot at cfa_off (bytes from the frame's CFA, Go's fp) of the
 * function containing pc, a link-time vaddr; for a call site pass its
 * return address, where Go's location lists place values spilled across
 * the call. Writes "name", or "name+8" for a word inside a larger variable.
 * False if no parameter or local lives there at pc. */
bool ud_dwarfvars_name(ud_dwarfvars *dv, uint64_t pc, int32_t cfa_off, char *out, size_t cap);

#endif
