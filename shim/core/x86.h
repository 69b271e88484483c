/* x86: the few facts undead needs from x86-64 machine code (Zydis). */
#ifndef UNDEAD_X86_H
#define UNDEAD_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
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

/* The same, all of them: into stackbuf when they fit, else into an array
 * from malloc. *calls is stackbuf or that array (the caller frees it when
 * it is not stackbuf), *n the number of calls. */
int ud_x86_calls_any(const ud_image *img, uint64_t start, uint64_t end, ud_call_site *stackbuf,
                     size_t stackcap, ud_call_site **calls, size_t *n, ud_err *err);

/* The same over a caller-supplied buffer whose first byte is at `vaddr`
 * (for tests and fuzzing). Undecodable bytes are skipped one at a time. */
int ud_x86_calls_buf(const uint8_t *code, size_t len, uint64_t vaddr, ud_call_site *out,
                     size_t cap, size_t *n, ud_err *err);

/* The address a RIP-relative LEA last put in RAX (Go's first integer
 * argument) before the first direct CALL to `target` in code[0, len): the
 * argument of `LEAQ sym(SB), AX; CALL target`. RAX written any other way,
 * or a jump or return in between, forgets it. Sets *addr and *call_pc (the
 * CALL); false if there is no such call or RAX is not known there. */
bool ud_x86_call_arg_lea(const uint8_t *code, size_t len, uint64_t vaddr, uint64_t target,
                         uint64_t *addr, uint64_t *call_pc);

/* The first instruction of code[0, len) if it is a RIP-relative LEA
 * into `reg` (a general register by number, RAX 0 ... R15 15: UD_X86_R9): its absolute address in *addr, and the register-to-memory
 * store that follows it, `MOV reg, disp(base)`: the displacement in
 * *store_disp and the base in *store_base (UD_X86_R14 for g). */
enum { UD_X86_R9 = 9, UD_X86_R14 = 14 };
bool ud_x86_lea_then_store(const uint8_t *code, size_t len, uint64_t vaddr, int reg,
                           uint64_t *addr, int32_t *store_disp, int *store_base);

/* Which of the function's integer register arguments the local at
 * sp_disp(SP) holds at the call ending at x_ret, read from the code of
 * [vaddr, x_ret): the position in Go's register ABI order (AX, BX, CX, DI,
 * SI, R8, R9, R10, R11), or -1. Only when the path from the entry to that
 * call is straight (conditional jumps leave forward past it, nothing else
 * branches), the frame is made once (SUB $n, SP) and SP then stays, and the
 * slot's one write before the call is `MOV reg, sp_disp(SP)` of an argument
 * register not yet written: the spill of an argument into a local, which
 * only DWARF names otherwise. */
int ud_x86_param_spill(const uint8_t *code, size_t len, uint64_t vaddr, uint64_t x_ret,
                       int32_t sp_disp);

/* How asmcgocall puts a goroutine back on its own stack when the C
 * function returns, read from its code (shape 5 of the class: saving the
 * absolute SP instead of the depth below g.stack.hi resumes the goroutine
 * on a stack a callback left). The Go-stack path of asmcgocall:
 *
 *     [PUSHQ BP; MOVQ SP, BP]              ; ret_off bytes pushed
 *     MOVQ SP, DX                          ; the goroutine's SP
 *     ...
 *     MOVQ (g_sched+gobuf_sp)(SI), SP      ; onto g0's stack
 *     SUBQ $frame_sub, SP
 *     ANDQ $frame_and, SP                  ; the frame F
 *     ...                                  ; F+g_disp: the g; F+word_disp: the word
 *     CALL ...                             ; the C function (or a landing pad)
 *     MOVQ g_disp(SP), DI
 *     MOVQ hi_disp(DI), SI                 ; g.stack.hi   } depth: absent when the
 *     SUBQ word_disp(SP), SI               ; minus depth  } word is the SP itself
 *     MOVQ SI, SP                          ; the resume SP
 *
 * Registers are tracked only through plain MOVs and the one SUB. */
typedef struct ud_resume_rule {
  bool depth;         /* resume SP = g.stack.hi - word; false: the word itself */
  int32_t frame_sub;  /* F = (g0.sched.sp - frame_sub) & frame_and */
  int64_t frame_and;
  int32_t word_disp;  /* the word at F + word_disp */
  int32_t g_disp;     /* the goroutine at F + g_disp */
  int32_t hi_disp;    /* depth: the offset of g.stack.hi the code reads */
  int32_t ret_off;    /* the SP saved is this far below asmcgocall's return
                       * address (what its prologue pushed): a goroutine
                       * resumed right finds the return address Y there */
} ud_resume_rule;

/* Reads the rule from asmcgocall's code [vaddr, vaddr + len), up to its
 * first RET. False when the code does not have that shape. */
bool ud_x86_resume_rule(const uint8_t *code, size_t len, uint64_t vaddr, ud_resume_rule *out);

#endif
