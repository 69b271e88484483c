/* x86: the few facts undead needs from x86-64 machine code (Zydis). */
#ifndef UNDEAD_X86_H
#define UNDEAD_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

typedef struct ud_call_site {
  uint64_t pc;     /* vaddr of the CALL */
  uint64_t ret;    /* its return address (pc + length) */
  uint64_t target; /* direct target; 0 for an indirect call */
  uint8_t length;  /* instruction length; 5 for CALL rel32 */
} ud_call_site;

/* Every CALL in [start, end) of the image's text, decoding linearly from
 * start (Go functions hold no data in text). Writes at most cap, sets *n to
 * the total. */
int ud_x86_calls(const ud_image *img, uint64_t start, uint64_t end,
                 ud_call_site *out, size_t cap, size_t *n, ud_err *err);

/* The same over a caller-supplied buffer whose first byte is at `vaddr`
 * (for tests and fuzzing). Undecodable bytes are skipped one at a time. */
int ud_x86_calls_buf(const uint8_t *code, size_t len, uint64_t vaddr, ud_call_site *out,
                     size_t cap, size_t *n, ud_err *err);

/* The first 64-bit load of a thread-pointer-relative word in code[0, len):
 * `mov %fs:DISP, %reg`, or the PIE form `mov $OFF, %rX; mov %fs:DISP(%rX),
 * %reg`. Sets *tls_off to the FS-relative offset and *at to the vaddr of the
 * load; false if there is none. */
bool ud_x86_fs_load(const uint8_t *code, size_t len, uint64_t vaddr, int64_t *tls_off,
                    uint64_t *at);

/* A MOV between a register and a RIP-relative memory word. */
typedef struct ud_rip_mov {
  uint64_t pc;   /* vaddr of the MOV */
  uint64_t addr; /* absolute vaddr of the memory operand */
  uint8_t size;  /* operand size in bytes */
  bool store;    /* register -> memory */
} ud_rip_mov;

/* The RIP-relative MOVs of code[0, len), in order; with stop_at_ret, only
 * those before the first RET (for C functions, whose length the stripped
 * binary no longer records). Writes at most cap, sets *n to the total. */
int ud_x86_rip_movs(const uint8_t *code, size_t len, uint64_t vaddr, bool stop_at_ret,
                    ud_rip_mov *out, size_t cap, size_t *n, ud_err *err);

/* The address a RIP-relative LEA last put in RAX (Go's first integer
 * argument) before the first direct CALL to `target` in code[0, len): the
 * argument of `LEAQ sym(SB), AX; CALL target`. RAX written any other way,
 * or a jump or return in between, forgets it. Sets *addr and *call_pc (the
 * CALL); false if there is no such call or RAX is not known there. */
bool ud_x86_call_arg_lea(const uint8_t *code, size_t len, uint64_t vaddr, uint64_t target,
                         uint64_t *addr, uint64_t *call_pc);

/* Length of the instruction at code (at most avail bytes); 0 if undecodable. */
size_t ud_x86_insn_length(const uint8_t *code, size_t avail, uint64_t vaddr);

#endif
