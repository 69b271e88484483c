#include "report_sample.h"

#include <string.h>

static void frame(ud_report_frame *f, uint64_t pc, uint64_t sp, const char *fn, const char *file,
                  int line) {
  f->pc = pc;
  f->sp = sp;
  strcpy(f->func, fn);
  strcpy(f->file, file);
  f->line = line;
}

void ud_sample_report(ud_report *r, int variant) {
  memset(r, 0, sizeof *r);
  const char *cg = "/usr/local/go/src/runtime/cgocall.go";
  uint64_t shift = variant == 1 ? 0x100000 : 0;
  r->kind = variant == 2 ? UD_KIND_STALE_SYSCALL_SP : UD_KIND_UNDEAD_POINTER;
  r->trigger = variant == 2 ? UD_TRIGGER_CALLBACK_RETURN : UD_TRIGGER_STACK_GROWTH;
  r->pid = variant == 1 ? 5151 : 4242;
  r->tid = r->pid + 3;
  r->goid = 18;
  r->time_ns = 1700000000123456789LL + variant;
  strcpy(r->binary, "/tmp/work/issue7978");
  strcpy(r->go_version, "go1.26.8");
  strcpy(r->gate_func, "runtime.cgocall");
  r->x_pc = 0x4a1b2c;
  strcpy(r->x_file, cg);
  r->x_line = 167;
  strcpy(r->x_callee, "runtime.entersyscall");
  r->y_pc = 0x4a1b5d;
  strcpy(r->y_file, cg);
  r->y_line = 185;
  strcpy(r->y_callee, "runtime.asmcgocall");
  r->frame_sp = 0xc000107e60 + shift;
  r->frame_size = 48;
  r->gate_depth = 1;
  r->old_lo = 0xc00004a000 + shift;
  r->old_hi = 0xc00004c000 + shift;
  r->new_lo = 0xc000104000 + shift;
  r->new_hi = 0xc000108000 + shift;
  r->newsize = 16384;
  if (variant == 2) {
    r->slot_kind = UD_RSLOT_G;
    strcpy(r->slot_name, "syscallsp");
    r->value = 0xc00004be58;
    r->points_to = UD_REGION_EARLIER_STACK;
    r->old_hi_off = 0x1a8;
    r->old_lo = r->new_lo;
    r->old_hi = r->new_hi;
    r->new_lo = r->new_hi = 0;
    r->newsize = 0;
  } else {
    r->slot_kind = UD_RSLOT_ARG;
    strcpy(r->slot_name, "arg");
    r->slot_sp_off = 56;
    r->slot_addr = r->frame_sp + 56;
    r->value = 0xc00004bf10 + shift;
    r->live_at_x = true;
    r->live_at_y = false;
    r->points_to = UD_REGION_OLD_STACK;
    r->old_hi_off = 0xf0;
    strcpy(r->old_frame_func, "main.grow");
    r->old_frame_off = 16;
  }
  int n = 0;
  frame(&r->go_stack[n++], 0x455f20, 0xc000107d00 + shift, "runtime.copystack",
        "/usr/local/go/src/runtime/stack.go", 913);
  frame(&r->go_stack[n++], 0x4562a0, 0xc000107d80 + shift, "runtime.newstack",
        "/usr/local/go/src/runtime/stack.go", 1120);
  frame(&r->go_stack[n++], 0x4a9c10, 0xc000107e00 + shift, "main.grow", "/tmp/work/main.go", 31);
  frame(&r->go_stack[n++], 0x4a9d40, 0xc000107e30 + shift, "main.callback", "/tmp/work/main.go",
        40);
  frame(&r->go_stack[n++], 0x4a1b5d, r->frame_sp, "runtime.cgocall", cg, 185);
  r->go_stack_n = n;
  n = 0;
  frame(&r->c_stack[n++], 0x7f0000001234, 0, "ud_on_copystack", "", 0);
  frame(&r->c_stack[n++], 0x4b0010, 0, "crosscall2", "", 0);
  frame(&r->c_stack[n++], 0x4b0200, 0, "callGo", "", 0);
  r->c_stack_n = n;
  strcpy(r->summary, "undead pointer: runtime.cgocall slot 'arg' (live at X cgocall.go:167, dead "
                     "at Y cgocall.go:185) points into the stack being left (0xc00004bf10) of "
                     "goroutine 18 at a stack growth to 16384 bytes");
  if (variant == 2) {
    memset(r->summary, 0, sizeof r->summary);
    strcpy(r->summary, "stale syscallsp: g.syscallsp = 0xc00004be58 is outside the current stack "
                       "[0xc000104000, 0xc000108000) of goroutine 18 when a callback returned to C");
  }
  if (variant == 4) {
    /* as long as real ones get: a path near PATH_MAX, a GOEXPERIMENT version */
    memset(r->binary, 0, sizeof r->binary);
    for (size_t i = 0; i + 1 < sizeof r->binary; i++)
      r->binary[i] = i % 50 == 0 ? '/' : (char)('a' + i % 26);
    strcpy(r->go_version, "go1.26.8 X:norandomizedheapbase64,heapminimum512kib,nogreenteagc");
  }
  if (variant == 5) {
    /* a left-stack-access: cmd/cgo's wrapper writing into the stack left */
    r->kind = UD_KIND_LEFT_STACK_ACCESS;
    r->trigger = UD_TRIGGER_ACCESS;
    r->slot_kind = UD_RSLOT_STACK_WORD;
    memset(r->slot_name, 0, sizeof r->slot_name);
    r->slot_sp_off = 0;
    r->slot_addr = 0xc00004bf40;
    r->value = 0;
    r->live_at_x = false;
    r->old_hi_off = (int64_t)(r->old_hi - r->slot_addr);
    memset(r->old_frame_func, 0, sizeof r->old_frame_func);
    strcpy(r->old_frame_func, "main._Cfunc_leftwrite_call (argument area)");
    r->old_frame_off = 48;
    r->access = UD_ACCESS_WRITE;
    frame(&r->accessor, 0x4aba00, 0x7ffc8e2f47c0, "_cgo_a6ca8605b3e7_Cfunc_leftwrite_call+0x10", "",
          0);
    memset(r->c_stack, 0, sizeof r->c_stack);
    n = 0;
    r->c_stack[n++] = r->accessor;
    frame(&r->c_stack[n++], 0x4824e4, 0x7ffc8e2f47e0, "runtime.asmcgocall",
          "/usr/local/go/src/runtime/asm_amd64.s", 995);
    r->c_stack_n = n;
    memset(r->summary, 0, sizeof r->summary);
    strcpy(r->summary, "write of a left stack: _cgo_a6ca8605b3e7_Cfunc_leftwrite_call+0x10 (pc "
                       "0x4aba00) wrote to 0xc00004bf40 (main._Cfunc_leftwrite_call (argument "
                       "area)+48 at the move); goroutine 18 left that stack [0xc00004a000, "
                       "0xc00004c000) at a stack growth to 16384 bytes with a cgo call open");
  }
  if (variant == 3) {
    strcpy(r->binary, "/tmp/we\"ird\\dir/\x01\t\n/caf\xc3\xa9/\xff\xfe bad");
    strcpy(r->go_stack[2].func, "main.(*T).\"quoted\"\x7f");
    strcpy(r->summary, "line one\nline two \xe2\x82\xac \xed\xa0\x80 surrogate");
  }
}
