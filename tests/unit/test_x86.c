/* x86 call-site decoding over raw bytes: direct and indirect calls, INT3
 * padding, garbage, truncation; the argument a LEA gives a call (where
 * runtime.malg's type descriptor comes from) and the LEA-then-store of
 * gosave_systemstack_switch; the argument a local holds (stripped names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86.h"

#include "check.h"


static void test_calls(void) {
  /* push rbp; call +0x10; int3 x3; call *%rax; call *0x100(%rip); nop; ret */
  static const uint8_t code[] = {
      0x55,                               /* 0x1000 push %rbp */
      0xE8, 0x10, 0x00, 0x00, 0x00,       /* 0x1001 call 0x1016 */
      0xCC, 0xCC, 0xCC,                   /* 0x1006 int3 padding */
      0xFF, 0xD0,                         /* 0x1009 call *%rax */
      0xFF, 0x15, 0x00, 0x01, 0x00, 0x00, /* 0x100b call *0x100(%rip) */
      0x90,                               /* 0x1011 nop */
      0xE8, 0xF6, 0xFF, 0xFF, 0xFF,       /* 0x1012 call 0x100d (backwards) */
      0xC3,                               /* 0x1017 ret */
  };
  ud_call_site s[8];
  size_t n = 99;
  ud_err err = {0};
  CHECK(ud_x86_calls_buf(code, sizeof code, 0x1000, s, 8, &n, &err) == UD_OK);
  CHECK(n == 4);
  CHECK(s[0].pc == 0x1001 && s[0].ret == 0x1006 && s[0].target == 0x1016 && s[0].length == 5);
  CHECK(s[1].pc == 0x1009 && s[1].ret == 0x100b && s[1].target == 0 && s[1].length == 2);
  CHECK(s[2].pc == 0x100b && s[2].target == 0 && s[2].length == 6);
  CHECK(s[3].pc == 0x1012 && s[3].target == 0x100d);
  /* capacity: the total is still counted */
  CHECK(ud_x86_calls_buf(code, sizeof code, 0x1000, s, 1, &n, &err) == UD_OK && n == 4);
  CHECK(s[0].target == 0x1016);
  /* a CALL cut off by the end of the range is not a call */
  CHECK(ud_x86_calls_buf(code, 4, 0x1000, s, 8, &n, &err) == UD_OK && n == 0);
  CHECK(ud_x86_calls_buf(code, 0, 0x1000, s, 8, &n, &err) == UD_OK && n == 0);
}

/* Random bytes: terminates, stays in bounds (run under ASan/valgrind for
 * the latter), and every reported call lies in the range. */
static void test_garbage(void) {
  enum { LEN = 1 << 16 };
  uint8_t *buf = malloc(LEN);
  ud_call_site s[64];
  srand(12345);
  for (int round = 0; round < 16; round++) {
    for (size_t i = 0; i < LEN; i++)
      buf[i] = (uint8_t)rand();
    size_t n;
    ud_err err = {0};
    size_t len = LEN - (size_t)round * 7;
    CHECK(ud_x86_calls_buf(buf, len, 0x400000, s, 64, &n, &err) == UD_OK);
    for (size_t i = 0; i < n && i < 64; i++)
      CHECK(s[i].pc >= 0x400000 && s[i].ret <= 0x400000 + len && s[i].ret > s[i].pc);
    uint64_t a, c;
    int32_t d;
    int base;
    (void)ud_x86_call_arg_lea(buf, len, 0x400000, 0x400100, &a, &c);
    (void)ud_x86_lea_then_store(buf, len, 0x400000, UD_X86_R9, &a, &d, &base);
    (void)ud_x86_param_spill(buf, len, 0x400000, 0x400000 + len / 2, 0x28);
  }
  free(buf);
}

static void test_call_arg_lea(void) {
  uint64_t addr = 0, call = 0;
  /* malg's shape: mov %eax,0x40(%rsp); lea 0x100(%rip),%rax; nopl (%rax);
   * call 0x1000 (newobject) */
  static const uint8_t malg[] = {0x89, 0x44, 0x24, 0x40,                   /* 0x2000 */
                                 0x48, 0x8D, 0x05, 0x00, 0x01, 0x00, 0x00, /* 0x2004 lea */
                                 0x0F, 0x1F, 0x00,                         /* 0x200b nopl */
                                 0xE8, 0xEF, 0xEF, 0xFF, 0xFF};            /* 0x200e call 0x1002 */
  CHECK(ud_x86_call_arg_lea(malg, sizeof malg, 0x2000, 0x1002, &addr, &call) &&
        addr == 0x210b && call == 0x200e);
  /* another callee: not found */
  CHECK(!ud_x86_call_arg_lea(malg, sizeof malg, 0x2000, 0x1003, &addr, &call));
  /* rax overwritten between the LEA and the call (mov %rbx,%rax): unknown */
  static const uint8_t clobber[] = {0x48, 0x8D, 0x05, 0x00, 0x01, 0x00, 0x00, 0x48, 0x89, 0xD8,
                                    0xE8, 0xF3, 0xEF, 0xFF, 0xFF};
  CHECK(!ud_x86_call_arg_lea(clobber, sizeof clobber, 0x2000, 0x1002, &addr, &call));
  /* a LEA into another register is no argument in rax */
  static const uint8_t rbx[] = {0x48, 0x8D, 0x1D, 0x00, 0x01, 0x00, 0x00,
                                0xE8, 0xF6, 0xEF, 0xFF, 0xFF};
  CHECK(!ud_x86_call_arg_lea(rbx, sizeof rbx, 0x2000, 0x1002, &addr, &call));
}

static void test_lea_then_store(void) {
  uint64_t addr = 0;
  int32_t disp = 0;
  int base = -1;
  /* gosave_systemstack_switch: lea 0xd01(%rip),%r9; mov %r9,0x40(%r14) */
  static const uint8_t save[] = {0x4C, 0x8D, 0x0D, 0x01, 0x0D, 0x00, 0x00, 0x4D, 0x89, 0x4E, 0x40};
  CHECK(ud_x86_lea_then_store(save, sizeof save, 0x47e6c0, UD_X86_R9, &addr, &disp, &base) &&
        addr == 0x47f3c8 && disp == 0x40 && base == UD_X86_R14);
  /* the store is of another register */
  static const uint8_t other[] = {0x4C, 0x8D, 0x0D, 0x01, 0x0D, 0x00, 0x00, 0x4D, 0x89, 0x56, 0x40};
  CHECK(!ud_x86_lea_then_store(other, sizeof other, 0x47e6c0, UD_X86_R9, &addr, &disp, &base));
  /* no LEA first */
  CHECK(!ud_x86_lea_then_store(save + 7, sizeof save - 7, 0, UD_X86_R9, &addr, &disp, &base));
}

/* Go 1.19's runtime.cgocall (KeepAlive lines removed) from its entry to
 * the call of entersyscall: `arg` (BX) is spilled into a local at sp+40,
 * `fn` (AX) into its argument slot at sp+64. The oracle is that build's
 * DWARF (local 'arg' at fp-24); the variants break one rule each. */
static void test_param_spill(void) {
  static const uint8_t cgocall[] = {
      0x48, 0x83, 0xEC, 0x38,                         /* 4056c0 sub $0x38,%rsp */
      0x48, 0x89, 0x6C, 0x24, 0x30,                   /* 4056c4 mov %rbp,0x30(%rsp) */
      0x48, 0x8D, 0x6C, 0x24, 0x30,                   /* 4056c9 lea 0x30(%rsp),%rbp */
      0x80, 0x3D, 0xCB, 0xD4, 0x12, 0x00, 0x00,       /* 4056ce cmpb $0,iscgo(%rip) */
      0x0F, 0x84, 0xB5, 0x00, 0x00, 0x00,             /* 4056d5 je 405790 */
      0x0F, 0x1F, 0x44, 0x00, 0x00,                   /* 4056db nopl */
      0x48, 0x85, 0xC0,                               /* 4056e0 test %rax,%rax */
      0x0F, 0x84, 0x96, 0x00, 0x00, 0x00,             /* 4056e3 je 40577f */
      0x48, 0x89, 0x5C, 0x24, 0x28,                   /* 4056e9 mov %rbx,0x28(%rsp) */
      0x48, 0x89, 0x44, 0x24, 0x40,                   /* 4056ee mov %rax,0x40(%rsp) */
      0x49, 0x8B, 0x46, 0x30,                         /* 4056f3 mov 0x30(%r14),%rax */
      0x48, 0x89, 0x44, 0x24, 0x20,                   /* 4056f7 mov %rax,0x20(%rsp) */
      0x48, 0xFF, 0x80, 0x30, 0x01, 0x00, 0x00,       /* 4056fc incq 0x130(%rax) */
      0xFF, 0x80, 0x38, 0x01, 0x00, 0x00,             /* 405703 incl 0x138(%rax) */
      0x48, 0x8B, 0x88, 0x40, 0x01, 0x00, 0x00,       /* 405709 mov 0x140(%rax),%rcx */
      0x48, 0xC7, 0x01, 0x00, 0x00, 0x00, 0x00,       /* 405710 movq $0,(%rcx) */
      0xE8, 0x44, 0x68, 0x05, 0x00,                   /* 405717 call entersyscall */
  };
  const uint64_t at = 0x4056c0, x = 0x40571c;
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x, 0x28) == 1); /* BX: arg */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x, 0x40) == 0); /* AX: fn */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x, 0x20) == -1); /* AX rewritten first */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x, 0x30) == -1); /* BP: no argument */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x, 0x18) == -1); /* never written */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall, at, x - 1, 0x28) == -1); /* not a call's end */
  CHECK(ud_x86_param_spill(cgocall, sizeof cgocall - 1, at, x, 0x28) == -1); /* cut short */
  uint8_t v[sizeof cgocall];
  /* BX written before the spill (test %rax,%rax -> xor %rbx,%rbx) */
  memcpy(v, cgocall, sizeof v);
  memcpy(v + 0x20, (const uint8_t[]){0x48, 0x31, 0xDB}, 3);
  CHECK(ud_x86_param_spill(v, sizeof v, at, x, 0x28) == -1);
  CHECK(ud_x86_param_spill(v, sizeof v, at, x, 0x40) == 0);
  /* a jump back before the call: the path is not straight */
  memcpy(v, cgocall, sizeof v);
  memcpy(v + 0x25, (const uint8_t[]){0xE0, 0xFF, 0xFF, 0xFF}, 4); /* je 4056c9 */
  CHECK(ud_x86_param_spill(v, sizeof v, at, x, 0x28) == -1);
  /* the slot written twice (the store of RAX to 0x20 now goes to 0x28) */
  memcpy(v, cgocall, sizeof v);
  v[0x3b] = 0x28;
  CHECK(ud_x86_param_spill(v, sizeof v, at, x, 0x28) == -1);
  /* a 16-byte store over the slot (movups %xmm15,0x20(%rsp) for the
   * store to 0x20) counts as a write of it */
  static const uint8_t zero16[] = {0x48, 0x83, 0xEC, 0x38,       /* sub $0x38,%rsp */
                                   0x48, 0x89, 0x5C, 0x24, 0x28, /* mov %rbx,0x28(%rsp) */
                                   0x44, 0x0F, 0x11, 0x7C, 0x24, 0x20, /* movups %xmm15,0x20(%rsp) */
                                   0xE8, 0x00, 0x00, 0x00, 0x00};
  CHECK(ud_x86_param_spill(zero16, sizeof zero16, 0x1000, 0x1000 + sizeof zero16, 0x28) == -1);
  CHECK(ud_x86_param_spill(zero16, 9 + 5, 0x1000, 0x1000 + 9 + 5, 0x28) == -1); /* mid-instruction */
  /* SP copied to a register: a stack address taken */
  static const uint8_t spcopy[] = {0x48, 0x83, 0xEC, 0x38,       /* sub $0x38,%rsp */
                                   0x48, 0x89, 0xE1,             /* mov %rsp,%rcx */
                                   0x48, 0x89, 0x5C, 0x24, 0x28, /* mov %rbx,0x28(%rsp) */
                                   0xE8, 0x00, 0x00, 0x00, 0x00};
  CHECK(ud_x86_param_spill(spcopy, sizeof spcopy, 0x1000, 0x1000 + sizeof spcopy, 0x28) == -1);
  /* no frame made (SUB $n, SP) before the store */
  CHECK(ud_x86_param_spill(spcopy + 7, sizeof spcopy - 7, 0x1000, 0x1000 + sizeof spcopy - 7, 0x28) == -1);
}

int main(void) {
  test_calls();
  test_garbage();
  test_call_arg_lea();
  test_lea_then_store();
  test_param_spill();
  return check_status();
}
