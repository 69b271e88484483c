/* x86 call-site decoding over raw bytes: direct and indirect calls, INT3
 * padding, garbage, truncation; and the TLS load pattern finder. */
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

static void test_lengths(void) {
  static const uint8_t call[] = {0xE8, 0, 0, 0, 0};
  static const uint8_t movabs[] = {0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8};
  static const uint8_t bad[] = {0x0F, 0x0B + 0x30}; /* 0f 3b: undefined */
  CHECK(ud_x86_insn_length(call, 5, 0) == 5);
  CHECK(ud_x86_insn_length(call, 4, 0) == 0);
  CHECK(ud_x86_insn_length(movabs, sizeof movabs, 0) == 10);
  CHECK(ud_x86_insn_length(bad, sizeof bad, 0) == 0);
  CHECK(ud_x86_insn_length(NULL, 5, 0) == 0);
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
    int64_t off;
    uint64_t at;
    (void)ud_x86_fs_load(buf, len, 0x400000, &off, &at);
  }
  free(buf);
}

static void test_fs_load(void) {
  int64_t off = 0;
  uint64_t at = 0;
  /* push rbp; mov %rsp,%rbp; mov %rsi,%fs:-8 (a store); mov %fs:0xfffffffffffffff8,%rdi */
  static const uint8_t exe[] = {0x55, 0x48, 0x89, 0xE5, 0x64, 0x48, 0x89, 0x34, 0x25, 0xF8,
                                0xFF, 0xFF, 0xFF, 0x64, 0x48, 0x8B, 0x3C, 0x25, 0xF8, 0xFF,
                                0xFF, 0xFF};
  CHECK(ud_x86_fs_load(exe, sizeof exe, 0x2000, &off, &at) && off == -8 && at == 0x200d);
  /* PIE: mov $-16,%rcx; mov %fs:(%rcx),%rdi */
  static const uint8_t pie[] = {0x48, 0xC7, 0xC1, 0xF0, 0xFF, 0xFF, 0xFF, 0x64, 0x48, 0x8B, 0x39};
  CHECK(ud_x86_fs_load(pie, sizeof pie, 0x3000, &off, &at) && off == -16 && at == 0x3007);
  /* the register is overwritten between the two: unknown */
  static const uint8_t clobber[] = {0x48, 0xC7, 0xC1, 0xF0, 0xFF, 0xFF, 0xFF, 0x48, 0x89, 0xD1,
                                    0x64, 0x48, 0x8B, 0x39};
  CHECK(!ud_x86_fs_load(clobber, sizeof clobber, 0x3000, &off, &at));
  /* a 32-bit load is not g */
  static const uint8_t narrow[] = {0x64, 0x8B, 0x3C, 0x25, 0xF8, 0xFF, 0xFF, 0xFF};
  CHECK(!ud_x86_fs_load(narrow, sizeof narrow, 0, &off, &at));
  /* a GS load is not g on linux/amd64 */
  static const uint8_t gs[] = {0x65, 0x48, 0x8B, 0x3C, 0x25, 0xF8, 0xFF, 0xFF, 0xFF};
  CHECK(!ud_x86_fs_load(gs, sizeof gs, 0, &off, &at));
}

int main(void) {
  test_calls();
  test_lengths();
  test_garbage();
  test_fs_load();
  if (failures) {
    fprintf(stderr, "test_x86: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_x86: ok\n");
  return 0;
}
