/* x86: call sites and the few instruction patterns undead reads, decoded
 * with Zydis.
 *
 * Zydis never allocates and reads only the bytes it is given, so these
 * functions are safe in the shim's constructor and on any input. Linear
 * decoding advances at least one byte per step: a range of garbage costs
 * at most one decode attempt per byte and always terminates. */
#include "x86.h"

#include <Zydis/Zydis.h>
#include <stdlib.h>
#include <string.h>

static bool decoder_init(ZydisDecoder *dec) {
  return ZYAN_SUCCESS(ZydisDecoderInit(dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64));
}

/* General-purpose 64-bit register number (RAX 0 ... R15 15), or -1. */
static int gpr64(ZydisRegister r) {
  return r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15 ? (int)(r - ZYDIS_REGISTER_RAX) : -1;
}

/* LEA reg, sym(RIP): reg's gpr64 number in *reg, sym's address in *abs. */
static bool rip_lea(const ZydisDecodedInstruction *insn, const ZydisDecodedOperand *ops, uint64_t pc,
                    int *reg, uint64_t *abs) {
  ZyanU64 a;
  if (insn->mnemonic != ZYDIS_MNEMONIC_LEA || insn->operand_count_visible != 2 ||
      ops[0].type != ZYDIS_OPERAND_TYPE_REGISTER || ops[1].type != ZYDIS_OPERAND_TYPE_MEMORY ||
      ops[1].mem.base != ZYDIS_REGISTER_RIP || !ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(insn, &ops[1], pc, &a)))
    return false;
  *reg = gpr64(ops[0].reg.value);
  *abs = a;
  return true;
}

int ud_x86_calls_buf(const uint8_t *code, size_t len, uint64_t vaddr, ud_call_site *out,
                     size_t cap, size_t *n, ud_err *err) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecoderContext ctx;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  size_t count = 0;
  *n = 0;
  if (!decoder_init(&dec))
    return ud_fail(err, UD_E_UNSUPPORTED, "x86 decoder: cannot initialise Zydis");
  for (size_t off = 0; off < len;) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&dec, &ctx, code + off, len - off, &insn))) {
      off++; /* undecodable: resynchronise on the next byte */
      continue;
    }
    if (insn.mnemonic == ZYDIS_MNEMONIC_CALL) {
      uint64_t pc = vaddr + off;
      uint64_t target = 0;
      if (ZYAN_SUCCESS(ZydisDecoderDecodeOperands(&dec, &ctx, &insn, ops, insn.operand_count_visible)) &&
          insn.operand_count_visible >= 1 && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
          ops[0].imm.is_relative) {
        ZyanU64 abs;
        if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], pc, &abs)))
          target = abs;
      }
      if (count < cap) {
        out[count].pc = pc;
        out[count].ret = pc + insn.length;
        out[count].target = target;
        out[count].length = insn.length;
      }
      count++;
    }
    off += insn.length;
  }
  *n = count;
  return UD_OK;
}

int ud_x86_calls(const ud_image *img, uint64_t start, uint64_t end, ud_call_site *out,
                 size_t cap, size_t *n, ud_err *err) {
  *n = 0;
  if (end < start)
    return ud_fail(err, UD_E_CORRUPT, "code range %#llx..%#llx is inverted",
                   (unsigned long long)start, (unsigned long long)end);
  if (end == start)
    return UD_OK;
  const uint8_t *code = ud_image_at(img, start, end - start);
  if (code == NULL)
    return ud_fail(err, UD_E_CORRUPT, "code range %#llx..%#llx is not in the file",
                   (unsigned long long)start, (unsigned long long)end);
  return ud_x86_calls_buf(code, (size_t)(end - start), start, out, cap, n, err);
}

int ud_x86_calls_any(const ud_image *img, uint64_t start, uint64_t end, ud_call_site *stackbuf,
                     size_t stackcap, ud_call_site **calls, size_t *n, ud_err *err) {
  int rc = ud_x86_calls(img, start, end, stackbuf, stackcap, n, err);
  *calls = stackbuf;
  if (rc != UD_OK || *n <= stackcap)
    return rc;
  ud_call_site *big = malloc(*n * sizeof *big);
  if (big == NULL)
    return ud_fail(err, UD_E_NOMEM, "out of memory decoding %#llx..%#llx", (unsigned long long)start,
                   (unsigned long long)end);
  size_t n2;
  rc = ud_x86_calls(img, start, end, big, *n, &n2, err);
  if (rc != UD_OK) {
    free(big);
    return rc;
  }
  *calls = big;
  return UD_OK;
}

bool ud_x86_call_arg_lea(const uint8_t *code, size_t len, uint64_t vaddr, uint64_t target,
                         uint64_t *addr, uint64_t *call_pc) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  bool known = false;
  uint64_t rax = 0;
  if (!decoder_init(&dec))
    return false;
  for (size_t off = 0; off < len;) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops))) {
      off++;
      known = false;
      continue;
    }
    uint64_t pc = vaddr + off;
    ZyanU64 abs;
    uint64_t lea_to;
    int lea_reg;
    if (insn.mnemonic == ZYDIS_MNEMONIC_CALL) {
      if (insn.operand_count_visible >= 1 && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
          ops[0].imm.is_relative && ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], pc, &abs)) &&
          abs == target) {
        if (!known)
          return false;
        *addr = rax;
        *call_pc = pc;
        return true;
      }
      known = false;
    } else if (rip_lea(&insn, ops, pc, &lea_reg, &lea_to) && lea_reg == 0 /* RAX */) {
      rax = lea_to;
      known = true;
    } else if (insn.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE || insn.mnemonic == ZYDIS_MNEMONIC_RET) {
      known = false;
    } else {
      for (unsigned i = 0; i < insn.operand_count; i++)
        if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
            gpr64(ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, ops[i].reg.value)) == 0)
          known = false;
    }
    off += insn.length;
  }
  return false;
}

bool ud_x86_lea_then_store(const uint8_t *code, size_t len, uint64_t vaddr, int reg,
                           uint64_t *addr, int32_t *store_disp, int *store_base) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  uint64_t abs;
  int lea_reg;
  if (!decoder_init(&dec) || !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code, len, &insn, ops)) ||
      !rip_lea(&insn, ops, vaddr, &lea_reg, &abs) || lea_reg != reg)
    return false;
  size_t off = insn.length;
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops)) ||
      insn.mnemonic != ZYDIS_MNEMONIC_MOV || insn.operand_count_visible != 2 ||
      ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY || ops[0].mem.index != ZYDIS_REGISTER_NONE ||
      ops[1].type != ZYDIS_OPERAND_TYPE_REGISTER || gpr64(ops[1].reg.value) != reg ||
      gpr64(ops[0].mem.base) < 0 || !ops[0].mem.disp.has_displacement)
    return false;
  *addr = abs;
  *store_disp = (int32_t)ops[0].mem.disp.value;
  *store_base = gpr64(ops[0].mem.base);
  return true;
}

/* Go's integer argument registers (ABIInternal), as gpr64 numbers. */
static int param_position(int gpr) {
  static const int order[] = {0 /* AX */, 3 /* BX */, 1 /* CX */, 7 /* DI */, 6 /* SI */,
                              8, 9, 10, 11};
  for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
    if (order[i] == gpr)
      return i;
  return -1;
}

int ud_x86_param_spill(const uint8_t *code, size_t len, uint64_t vaddr, uint64_t x_ret,
                       int32_t sp_disp) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  uint32_t written = 0; /* gpr64 numbers written since the entry */
  bool framed = false, reached = false;
  int stores = 0, param = -1;
  if (!decoder_init(&dec) || x_ret <= vaddr || x_ret - vaddr > len)
    return -1;
  for (size_t off = 0; vaddr + off < x_ret; off += insn.length) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops)))
      return -1;
    uint64_t pc = vaddr + off;
    if (pc + insn.length == x_ret) { /* the call itself */
      reached = true;
      break;
    }
    if (insn.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE || insn.mnemonic == ZYDIS_MNEMONIC_RET) {
      ZyanU64 to;
      /* Only an early exit: a conditional jump forward past the call. */
      if (insn.meta.category != ZYDIS_CATEGORY_COND_BR || ops[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
          !ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], pc, &to)) || to < x_ret)
        return -1;
    }
    bool lea = insn.mnemonic == ZYDIS_MNEMONIC_LEA;
    if (framed && lea && ops[1].mem.base == ZYDIS_REGISTER_RSP &&
        gpr64(ops[0].reg.value) != 5 /* BP: the frame pointer, never used for locals */)
      return -1; /* a stack address taken: the slot may be written through it */
    bool sets_frame = !framed && insn.mnemonic == ZYDIS_MNEMONIC_SUB &&
                      ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_RSP &&
                      ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE;
    for (unsigned i = 0; i < insn.operand_count; i++) {
      const ZydisDecodedOperand *o = &ops[i];
      if (framed && i < insn.operand_count_visible && o->type == ZYDIS_OPERAND_TYPE_REGISTER &&
          o->reg.value == ZYDIS_REGISTER_RSP && (o->actions & ZYDIS_OPERAND_ACTION_MASK_READ))
        return -1; /* SP copied: a stack address taken */
      if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && (o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
        int r = gpr64(ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, o->reg.value));
        if (r == 4 /* SP */ && framed)
          return -1;
        if (r >= 0)
          written |= 1u << r;
      }
      if (!framed || lea || o->type != ZYDIS_OPERAND_TYPE_MEMORY ||
          !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
        continue;
      if (o->mem.base == ZYDIS_REGISTER_RBP)
        return -1;
      if (o->mem.base != ZYDIS_REGISTER_RSP)
        continue; /* through a register that holds no stack address (none was taken) */
      int64_t lo = o->mem.disp.value, hi = lo + (o->size ? o->size / 8 : 1);
      if (o->mem.index != ZYDIS_REGISTER_NONE)
        return -1;
      if (hi <= sp_disp || lo >= (int64_t)sp_disp + 8)
        continue;
      stores++;
      int src = insn.mnemonic == ZYDIS_MNEMONIC_MOV && i == 0 && lo == sp_disp && o->size == 64 &&
                        ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER
                    ? gpr64(ops[1].reg.value)
                    : -1;
      param = src >= 0 && !(written & (1u << src)) ? param_position(src) : -1;
    }
    framed |= sets_frame;
  }
  return reached && stores == 1 ? param : -1;
}

/* What a register holds in asmcgocall's restore sequence (ud_resume_rule). */
enum reg_kind { R_NONE, R_SLOT, R_HI, R_DEPTH };
typedef struct reg_state {
  enum reg_kind kind;
  int32_t slot;   /* R_SLOT: loaded from slot(SP); R_HI, R_DEPTH: the g's slot */
  int32_t hi;     /* R_HI, R_DEPTH: the g field's offset */
  int32_t word;   /* R_DEPTH: the slot subtracted */
} reg_state;

static bool is_reg(const ZydisDecodedOperand *o, ZydisRegister r) {
  return o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value == r;
}

/* [base + disp], no index, 64 bits wide. */
static bool mem64(const ZydisDecodedOperand *o, int *base, int32_t *disp) {
  if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->mem.index != ZYDIS_REGISTER_NONE || o->size != 64 ||
      o->mem.segment == ZYDIS_REGISTER_FS || o->mem.segment == ZYDIS_REGISTER_GS)
    return false;
  *base = gpr64(o->mem.base);
  *disp = o->mem.disp.has_displacement ? (int32_t)o->mem.disp.value : 0;
  return *base >= 0;
}

bool ud_x86_resume_rule(const uint8_t *code, size_t len, uint64_t vaddr, ud_resume_rule *out) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  reg_state regs[16];
  /* Registers holding the goroutine's SP (MOVQ SP, DX): how far below the
   * return address, or -1. Kept across the calls before the switch (the
   * runtime's gosave_systemstack_switch keeps DX). */
  int32_t spcopy[16], pushed = 0, sub_off = -1;
  struct { int32_t disp, off; } stores[4];
  size_t nstores = 0;
  enum { FIND_SWITCH, FRAME, BODY, RESTORE } phase = FIND_SWITCH;
  bool have_sub = false, have_and = false;
  memset(out, 0, sizeof *out);
  memset(regs, 0, sizeof regs);
  for (int i = 0; i < 16; i++)
    spcopy[i] = -1;
  if (!decoder_init(&dec))
    return false;
  for (size_t off = 0; off < len; off += insn.length) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops)))
      return false;
    if (insn.mnemonic == ZYDIS_MNEMONIC_RET)
      return false;
    bool two = insn.operand_count_visible == 2;
    int base, dst = two ? gpr64(ops[0].reg.value) : -1;
    int32_t disp;
    if (insn.mnemonic == ZYDIS_MNEMONIC_CALL) {
      memset(regs, 0, sizeof regs); /* a call clobbers them all */
      if (phase == BODY || phase == FRAME)
        phase = have_sub && have_and ? RESTORE : FIND_SWITCH;
      continue;
    }
    if (phase == FIND_SWITCH) {
      /* MOVQ (g_sched+gobuf_sp)(SI), SP */
      if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && two && is_reg(&ops[0], ZYDIS_REGISTER_RSP) &&
          mem64(&ops[1], &base, &disp) && base != 4) {
        phase = FRAME, have_sub = have_and = false;
        continue;
      }
      /* the prologue, and the copy of SP the word is made from */
      if (insn.mnemonic == ZYDIS_MNEMONIC_PUSH)
        pushed += 8;
      else if (insn.mnemonic == ZYDIS_MNEMONIC_SUB && two && is_reg(&ops[0], ZYDIS_REGISTER_RSP) &&
               ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        pushed += (int32_t)ops[1].imm.value.s;
      else if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && two && dst >= 0 && is_reg(&ops[1], ZYDIS_REGISTER_RSP))
        spcopy[dst] = pushed;
      else if (dst >= 0 && (ops[0].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
        spcopy[dst] = -1;
      continue;
    }
    if (phase == FRAME || phase == BODY) {
      if (two && is_reg(&ops[0], ZYDIS_REGISTER_RSP) && ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        if (insn.mnemonic == ZYDIS_MNEMONIC_SUB && !have_sub && phase == FRAME)
          out->frame_sub = (int32_t)ops[1].imm.value.s, have_sub = true;
        else if (insn.mnemonic == ZYDIS_MNEMONIC_AND && have_sub && !have_and)
          out->frame_and = ops[1].imm.value.s, have_and = true, phase = BODY;
        else
          return false; /* SP changed some other way */
        continue;
      }
      int src = two && ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER ? gpr64(ops[1].reg.value) : -1;
      if (src >= 0 && spcopy[src] >= 0) {
        if (insn.mnemonic == ZYDIS_MNEMONIC_SUB && dst >= 0) /* depth = hi - SP */
          sub_off = spcopy[src];
        else if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && mem64(&ops[0], &base, &disp) && base == 4 &&
                 nstores < 4) /* the SP itself */
          stores[nstores].disp = disp, stores[nstores++].off = spcopy[src];
      }
      continue;
    }
    /* RESTORE: after the call, until SP is written from a register */
    if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && two && is_reg(&ops[0], ZYDIS_REGISTER_RSP) &&
        ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER) {
      int src = gpr64(ops[1].reg.value);
      if (src < 0)
        return false;
      const reg_state *r = &regs[src];
      if (r->kind == R_DEPTH) {
        out->depth = true, out->word_disp = r->word, out->g_disp = r->slot, out->hi_disp = r->hi;
        out->ret_off = sub_off;
        return sub_off >= 0;
      }
      if (r->kind != R_SLOT)
        return false;
      /* the word is the SP itself; the g is the one other slot loaded */
      int others = 0;
      for (int i = 0; i < 16; i++)
        if (i != src && regs[i].kind == R_SLOT && regs[i].slot != r->slot)
          out->g_disp = regs[i].slot, others++;
      out->depth = false, out->word_disp = r->slot, out->ret_off = -1;
      for (size_t i = 0; i < nstores; i++)
        if (stores[i].disp == r->slot)
          out->ret_off = stores[i].off;
      return others == 1 && out->ret_off >= 0;
    }
    if (two && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && dst >= 0 && ops[0].size == 64) {
      reg_state next = {R_NONE, 0, 0, 0};
      if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && mem64(&ops[1], &base, &disp)) {
        if (base == 4)
          next = (reg_state){R_SLOT, disp, 0, 0};
        else if (regs[base].kind == R_SLOT)
          next = (reg_state){R_HI, regs[base].slot, disp, 0};
      } else if (insn.mnemonic == ZYDIS_MNEMONIC_SUB && regs[dst].kind == R_HI &&
                 mem64(&ops[1], &base, &disp) && base == 4) {
        next = (reg_state){R_DEPTH, regs[dst].slot, regs[dst].hi, disp};
      }
      regs[dst] = next;
      continue;
    }
    /* any other write to a register forgets what it held */
    for (unsigned i = 0; i < insn.operand_count; i++)
      if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
        int r = gpr64(ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, ops[i].reg.value));
        if (r == 4)
          return false; /* SP written otherwise before the restore */
        if (r >= 0)
          regs[r].kind = R_NONE;
      }
  }
  return false;
}
