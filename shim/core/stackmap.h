/* stackmap: which stack slots of a frame hold live pointers at a PC, decoded
 * exactly as the runtime's getStackMap reads them (runtime/stkframe.go in
 * Go 1.21+, runtime/stack.go in Go 1.18/1.19) for adjustframe (stack
 * copying) and scanframeworker (GC). linux/amd64 only.
 *
 * Frame geometry at a PC (amd64, frame pointers on), for a frame whose stack
 * pointer is `sp` (Go's frame.sp), as the unwinder builds it:
 *   fp   = sp + spdelta(pc) + 8         (8: the return address; spdelta is
 *                                        read at pc itself, not pc - 1)
 *   argp = fp                           (arguments and spill slots)
 *   varp = fp - 8, and - 8 more if varp > sp (the saved frame pointer)
 * The stack map index is PCDATA_StackMapIndex at targetpc = pc - 1 (the
 * CALL) unless pc is the entry, where it is -1; -1 (also "no table") is
 * read as 0, as the runtime does.
 * Locals: consulted only if varp - sp > MinFrameSize (0 on amd64); the
 *   bitmap (nbit = the map's nbit) covers [varp - nbit*8, varp). No locals
 *   map, or n <= 0: the runtime throws "missing stackmap"; nbit > 0 with an
 *   index outside [0, n): "bad symbol table".
 * Args: covers [argp, argp + nbit*8), nbit from the args map. Consulted when
 *   f.args / 8 > 0 (Go 1.20+, argMapInternal; ArgsSizeUnknown gives none)
 *   or when f.args != 0 (Go 1.18/1.19, getArgInfo: arglen = uintptr(f.args),
 *   ArgsSizeUnknown included). The index is checked against n even when nbit
 *   is 0. reflect.makeFuncStub / reflect.methodValueCall take their args map
 *   from the live frame: they are reported with no argument slots.
 * Stack objects (FUNCDATA_StackObjects): {n uintptr; n records of {off
 *   int32, size int32, ptrdata int32, gcdataoff uint32}}, off relative to
 *   varp if negative, else to argp; same layout in 1.18 through current
 *   (1.19 negates ptrdata when a GC program is used).
 * Offsets below are relative to sp. */
#ifndef UNDEAD_STACKMAP_H
#define UNDEAD_STACKMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
#include "pclntab.h"

enum ud_slot_kind { UD_SLOT_LOCAL = 0, UD_SLOT_ARG = 1 };

typedef struct ud_live_slot {
  int32_t sp_off;  /* byte offset of the slot from frame.sp */
  uint8_t kind;    /* enum ud_slot_kind */
  uint32_t bit;    /* index in its bitmap */
} ud_live_slot;

typedef struct ud_frame_layout {
  int32_t spdelta;        /* funcspdelta(f, pc) */
  int32_t fp_off;         /* fp - sp */
  int32_t varp_off;       /* varp - sp */
  int32_t argp_off;       /* argp - sp */
  int32_t stackmap_index; /* after the -1 -> 0 rule */
  uint32_t nlocals;       /* bits in the locals bitmap used (0 if none) */
  uint32_t nargs;         /* bits in the args bitmap used (0 if none) */
} ud_frame_layout;

typedef struct ud_stack_object {
  int32_t sp_off;   /* object start, relative to frame.sp */
  uint32_t size;    /* bytes */
  uint32_t ptrdata; /* bytes that may hold pointers */
} ud_stack_object;

/* The live pointer slots of f's frame at pc (see the rules above), locals
 * first then args, each in increasing address order. Writes at most `cap`
 * slots and sets *nslots to the total (retry with a larger array if
 * *nslots > cap). `frame` may be NULL. Fails with UD_E_CORRUPT where the
 * runtime would throw ("missing stackmap", "bad symbol table"). */
int ud_stackmap_live_at(const ud_func *f, uint64_t pc, ud_frame_layout *frame,
                        ud_live_slot *slots, size_t cap, size_t *nslots,
                        ud_err *err);

/* Stack objects of f (FUNCDATA_StackObjects) as offsets from frame.sp for a
 * frame at pc. Same capacity convention. */
int ud_stackmap_objects(const ud_func *f, uint64_t pc, ud_stack_object *objs,
                        size_t cap, size_t *nobjs, ud_err *err);

#endif
