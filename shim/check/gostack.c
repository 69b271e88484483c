#include "gostack.h"

#include <string.h>

static bool is_top(const char *name) {
  return strcmp(name, "runtime.goexit") == 0 || strcmp(name, "runtime.mstart") == 0 ||
         strcmp(name, "runtime.rt0_go") == 0 || strcmp(name, "runtime.mcall") == 0 ||
         strcmp(name, "runtime.morestack") == 0;
}

enum ud_walk_end ud_gostack_walk(const ud_pclntab *tab, uint64_t bias, uint64_t pc, uint64_t sp,
                                 uint64_t lo, uint64_t hi, ud_goframe_fn fn, void *ctx) {
  for (int index = 0; index < 1000000; index++) {
    ud_goframe f;
    if (sp < lo || sp >= hi || pc < bias)
      return UD_WALK_LOST;
    if (!ud_pclntab_find_func(tab, pc - bias, &f.fn))
      return UD_WALK_LOST;
    int32_t spdelta;
    if (!ud_func_spdelta(&f.fn, pc - bias, &spdelta) || spdelta < 0)
      return UD_WALK_LOST;
    f.pc = pc;
    f.sp = sp;
    f.fp = sp + (uint64_t)spdelta + 8;
    f.index = index;
    if (f.fp > hi)
      return UD_WALK_LOST;
    if (!fn(ctx, &f))
      return UD_WALK_STOPPED;
    const char *name = ud_func_name(&f.fn);
    if (name != NULL && is_top(name))
      return UD_WALK_TOP;
    if (f.fp == hi)
      return UD_WALK_TOP;
    pc = *(const uint64_t *)(f.fp - 8);
    sp = f.fp;
  }
  return UD_WALK_LOST;
}
