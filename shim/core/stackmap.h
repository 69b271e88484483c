/* stackmap: which stack slots of a frame hold live pointers at a PC, decoded
 * exactly as the runtime's getStackMap (runtime/stkframe.go, traceback.go)
 * and adjustframe (stack.go) read them. linux/amd64 only.
 *
 * Frame geometry at a PC (amd64, frame pointers on), for a frame whose stack
 * pointer is `sp` (Go's frame.sp):
 *   fp   = sp + spdelta(pc) + 8         (8: the return address)
 *   argp = fp                           (arguments and spill slots)
 *   varp = fp - 8, and - 8 more if varp > sp (the saved frame pointer)
 *   locals bitmap covers [varp - nlocals*8, varp)
 *   args bitmap covers   [argp, argp + nargs*8)   (only if the func has args)
 * The stack map index is PCDATA_StackMapIndex at targetpc, where targetpc is
 * pc - 1 for a return address (pc != entry) and -1 is read as 0, as the
 * runtime does. Offsets below are relative to sp. */
#ifndef UNDEAD_STACKMAP_H
#define UNDEAD_STACKMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
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
