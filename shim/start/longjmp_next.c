/* longjmp_next: start-up for the longjmp check (see longjmp_next.h). */
#include "longjmp_next.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static const char *const jump_names[UD_JUMP_COUNT] = {"longjmp", "_longjmp", "siglongjmp",
                                                      "__longjmp_chk"};

ud_jump_fn ud_jump_resolve(enum ud_jump which) {
  ud_jump_fn fn = (ud_jump_fn)dlsym(RTLD_NEXT, jump_names[which]);
  if (fn == NULL) /* a libc without the fortified entry: the plain one does the same jump */
    fn = (ud_jump_fn)dlsym(RTLD_NEXT, "longjmp");
  if (fn == NULL) {
    ud_log("no %s after the shim's in this process: cannot jump", jump_names[which]);
    abort();
  }
  __atomic_store_n(&ud_jump_next[which], fn, __ATOMIC_RELEASE);
  return fn;
}

/* A jmp_buf set here must read back this frame's stack pointer and a pc
 * inside this function (noinline: its own frame). */
__attribute__((noinline)) static bool jmp_buf_reads(char *why, size_t cap) {
  jmp_buf b;
  volatile uint64_t here = (uint64_t)(uintptr_t)__builtin_frame_address(0);
  if (_setjmp(b) != 0)
    return false; /* never jumped to */
  uint64_t sp = ud_jmp_buf_sp(b), pc = ud_jmp_buf_pc(b);
  uint64_t fn = (uint64_t)(uintptr_t)&jmp_buf_reads;
  if (sp < here && here - sp < 4096 && pc > fn && pc - fn < 4096)
    return true;
  snprintf(why, cap, "this libc's jmp_buf does not read as glibc's (sp %#llx for a frame at %#llx)",
           (unsigned long long)sp, (unsigned long long)here);
  return false;
}

void ud_longjmp_resolve_all(void) {
  for (int i = 0; i < UD_JUMP_COUNT; i++)
    if (__atomic_load_n(&ud_jump_next[i], __ATOMIC_ACQUIRE) == NULL)
      ud_jump_resolve((enum ud_jump)i);
}

bool ud_longjmp_start(bool wanted, char *why, size_t cap) {
  if (!wanted)
    return true;
  if (!jmp_buf_reads(why, cap))
    return false;
  __atomic_store_n(&ud_longjmp_armed, true, __ATOMIC_RELEASE);
  return true;
}
