/* x86: call sites and instruction lengths, decoded with Zydis.
 *
 * Zydis never allocates and reads only the bytes it is given, so these
 * functions are safe in the shim's constructor and on any input. Linear
 * decoding advances at least one byte per step: a range of garbage costs
 * at most one decode attempt per byte and always terminates. */
#include "x86.h"

#include <Zydis/Zydis.h>
#include <string.h>

static bool decoder_init(ZydisDecoder *dec) {
  return ZYAN_SUCCESS(ZydisDecoderInit(dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64));
}

size_t ud_x86_insn_length(const uint8_t *code, size_t avail, uint64_t vaddr) {
  (void)vaddr; /* lengths do not depend on the address on x86-64 */
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  if (code == NULL || avail == 0 || !decoder_init(&dec))
    return 0;
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&dec, NULL, code, avail, &insn)))
    return 0;
  return insn.length;
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

bool ud_x86_fs_load(const uint8_t *code, size_t len, uint64_t vaddr, int64_t *tls_off,
                    uint64_t *at) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  /* The immediate last moved into each 64-bit register, for the PIE form
   * `mov $off, %rcx; mov %fs:(%rcx), %reg`; forgotten when anything else
   * writes the register or control flow moves. */
  enum { NREG = 16 };
  int64_t imm[NREG];
  bool known[NREG] = {false};
  if (!decoder_init(&dec))
    return false;
  for (size_t off = 0; off < len;) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops))) {
      off++;
      continue;
    }
    bool is_mov = insn.mnemonic == ZYDIS_MNEMONIC_MOV && insn.operand_count_visible == 2 &&
                  ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER;
    if (is_mov && ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY &&
        ops[1].mem.segment == ZYDIS_REGISTER_FS && ops[1].mem.index == ZYDIS_REGISTER_NONE &&
        ops[0].size == 64) {
      int64_t disp = ops[1].mem.disp.has_displacement ? ops[1].mem.disp.value : 0;
      ZydisRegister base = ops[1].mem.base;
      int b = base >= ZYDIS_REGISTER_RAX && base <= ZYDIS_REGISTER_R15 ? (int)(base - ZYDIS_REGISTER_RAX) : -1;
      if (base == ZYDIS_REGISTER_NONE || (b >= 0 && known[b])) {
        *tls_off = disp + (b >= 0 ? imm[b] : 0);
        *at = vaddr + off;
        return true;
      }
    }
    if (insn.mnemonic == ZYDIS_MNEMONIC_CALL || insn.mnemonic == ZYDIS_MNEMONIC_JMP ||
        insn.mnemonic == ZYDIS_MNEMONIC_RET) {
      memset(known, 0, sizeof known);
    } else {
      for (unsigned i = 0; i < insn.operand_count; i++) {
        if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER || !(ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
          continue;
        ZydisRegister r = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, ops[i].reg.value);
        if (r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15)
          known[r - ZYDIS_REGISTER_RAX] = false;
      }
      if (is_mov && ops[0].size == 64 && ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
          ops[0].reg.value >= ZYDIS_REGISTER_RAX && ops[0].reg.value <= ZYDIS_REGISTER_R15) {
        int r = ops[0].reg.value - ZYDIS_REGISTER_RAX;
        imm[r] = ops[1].imm.is_signed ? ops[1].imm.value.s : (int64_t)ops[1].imm.value.u;
        known[r] = true;
      }
    }
    off += insn.length;
  }
  return false;
}

int ud_x86_rip_movs(const uint8_t *code, size_t len, uint64_t vaddr, bool stop_at_ret,
                    ud_rip_mov *out, size_t cap, size_t *n, ud_err *err) {
  ZydisDecoder dec;
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  size_t count = 0;
  *n = 0;
  if (!decoder_init(&dec))
    return ud_fail(err, UD_E_UNSUPPORTED, "x86 decoder: cannot initialise Zydis");
  for (size_t off = 0; off < len;) {
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &insn, ops))) {
      off++;
      continue;
    }
    if (stop_at_ret && insn.mnemonic == ZYDIS_MNEMONIC_RET)
      break;
    if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && insn.operand_count_visible == 2) {
      int m = ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY ? 0 : ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY ? 1 : -1;
      int r = 1 - m;
      ZyanU64 abs;
      if (m >= 0 && ops[r].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[m].mem.base == ZYDIS_REGISTER_RIP &&
          ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[m], vaddr + off, &abs))) {
        if (count < cap) {
          out[count].pc = vaddr + off;
          out[count].addr = abs;
          out[count].size = (uint8_t)(ops[m].size / 8);
          out[count].store = m == 0;
        }
        count++;
      }
    }
    off += insn.length;
  }
  *n = count;
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
    } else if (insn.mnemonic == ZYDIS_MNEMONIC_LEA && insn.operand_count_visible == 2 &&
               ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_RAX &&
               ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY && ops[1].mem.base == ZYDIS_REGISTER_RIP &&
               ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[1], pc, &abs))) {
      rax = abs;
      known = true;
    } else if (insn.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE || insn.mnemonic == ZYDIS_MNEMONIC_RET) {
      known = false;
    } else {
      for (unsigned i = 0; i < insn.operand_count; i++)
        if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
            ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, ops[i].reg.value) == ZYDIS_REGISTER_RAX)
          known = false;
    }
    off += insn.length;
  }
  return false;
}
