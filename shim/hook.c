/* hook: finds and patches the CALL runtime.copystack sites. */
#include "hook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc.h"
#include "x86.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

extern char ud_copystack_trampoline[];
/* Read by the trampoline: where the real copystack starts. */
__attribute__((visibility("hidden"))) uint64_t ud_copystack_real;

/* Collects the CALL rel32 sites to `target` inside function `name`. */
static bool sites_in(const ud_image *img, const ud_pclntab *tab, uint64_t bias, const char *name,
                     uint64_t target_vaddr, uint64_t *ret_out, size_t *nout, char *why,
                     size_t cap) {
  ud_func f;
  *nout = 0;
  if (!ud_pclntab_func_by_name(tab, name, &f)) {
    snprintf(why, cap, "%s not found in the function table", name);
    return false;
  }
  ud_call_site buf[256], *calls = buf;
  size_t n = 0;
  ud_err err = {0};
  int rc = ud_x86_calls(img, f.entry, f.end, buf, sizeof buf / sizeof buf[0], &n, &err);
  if (rc == UD_OK && n > sizeof buf / sizeof buf[0]) {
    calls = ud_alloc(n * sizeof *calls);
    if (calls == NULL) {
      snprintf(why, cap, "out of memory");
      return false;
    }
    rc = ud_x86_calls(img, f.entry, f.end, calls, n, &n, &err);
  }
  if (rc != UD_OK) {
    snprintf(why, cap, "cannot decode %s: %s", name, err.msg);
    if (calls != buf)
      ud_free(calls);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < n && ok; i++) {
    if (calls[i].target != target_vaddr)
      continue;
    const uint8_t *code = ud_image_at(img, calls[i].pc, 5);
    if (calls[i].length != 5 || code == NULL || code[0] != 0xE8) {
      snprintf(why, cap, "the call to runtime.copystack at %#llx in %s is not a CALL rel32",
               (unsigned long long)calls[i].pc, name);
      ok = false;
      break;
    }
    int32_t rel;
    memcpy(&rel, code + 1, 4);
    if (calls[i].pc + 5 + (int64_t)rel != target_vaddr) {
      snprintf(why, cap, "the call at %#llx in %s does not decode to runtime.copystack",
               (unsigned long long)calls[i].pc, name);
      ok = false;
      break;
    }
    if (*nout == UD_HOOK_MAX_SITES) {
      snprintf(why, cap, "too many calls to runtime.copystack in %s", name);
      ok = false;
      break;
    }
    ret_out[(*nout)++] = calls[i].ret + bias;
  }
  if (calls != buf)
    ud_free(calls);
  if (!ok)
    return false;
  if (*nout == 0) {
    snprintf(why, cap, "no call to runtime.copystack found in %s", name);
    return false;
  }
  return true;
}

bool ud_hook_find(const ud_image *img, const ud_pclntab *tab, uint64_t bias, ud_hook_sites *out,
                  char *why, size_t cap) {
  memset(out, 0, sizeof *out);
  ud_func cs;
  if (!ud_pclntab_func_by_name(tab, "runtime.copystack", &cs)) {
    snprintf(why, cap, "runtime.copystack not found in the function table");
    return false;
  }
  out->copystack = cs.entry + bias;
  if (!sites_in(img, tab, bias, "runtime.newstack", cs.entry, out->growth_ret, &out->ngrowth, why,
                cap))
    return false;
  if (!sites_in(img, tab, bias, "runtime.shrinkstack", cs.entry, out->shrink_ret, &out->nshrink,
                why, cap))
    return false;
  return true;
}

static bool within_rel32(uint64_t a, uint64_t b) {
  int64_t d = (int64_t)(a - b);
  return d > -(int64_t)0x7fff0000 && d < (int64_t)0x7fff0000;
}

static bool all_reach(const ud_hook_sites *s, uint64_t stub) {
  for (size_t i = 0; i < s->ngrowth; i++)
    if (!within_rel32(stub, s->growth_ret[i]))
      return false;
  for (size_t i = 0; i < s->nshrink; i++)
    if (!within_rel32(stub, s->shrink_ret[i]))
      return false;
  return true;
}

/* A page within rel32 reach of every site: tried below the lowest site first
 * (usually free below the executable), then above the highest. */
static void *map_stub_near(const ud_hook_sites *s) {
  long page = sysconf(_SC_PAGESIZE);
  uint64_t lo = UINT64_MAX, hi = 0;
  for (size_t i = 0; i < s->ngrowth + s->nshrink; i++) {
    uint64_t r = i < s->ngrowth ? s->growth_ret[i] : s->shrink_ret[i - s->ngrowth];
    if (r < lo)
      lo = r;
    if (r > hi)
      hi = r;
  }
  for (int dir = 0; dir < 2; dir++) {
    for (uint64_t d = 1ull << 20; d < (1ull << 31) - (1ull << 24); d += d < (64ull << 20) ? (1ull << 20) : (32ull << 20)) {
      uint64_t hint;
      if (dir == 0) {
        if (lo < d + (1ull << 16))
          break;
        hint = (lo - d) & ~(uint64_t)(page - 1);
      } else {
        hint = (hi + d) & ~(uint64_t)(page - 1);
      }
      void *p = mmap((void *)hint, (size_t)page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (p == MAP_FAILED)
        continue;
      if (all_reach(s, (uint64_t)p))
        return p;
      munmap(p, (size_t)page);
    }
  }
  return NULL;
}

static bool patch_rel32(uint64_t call_pc, uint64_t target) {
  long page = sysconf(_SC_PAGESIZE);
  uint64_t start = call_pc & ~(uint64_t)(page - 1);
  uint64_t end = (call_pc + 5 + (uint64_t)page - 1) & ~(uint64_t)(page - 1);
  int32_t rel = (int32_t)(int64_t)(target - (call_pc + 5));
  if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE) != 0)
    return false;
  memcpy((void *)(call_pc + 1), &rel, 4);
  __builtin___clear_cache((char *)call_pc, (char *)call_pc + 5);
  return mprotect((void *)start, end - start, PROT_READ | PROT_EXEC) == 0;
}

bool ud_hook_install(ud_hook_sites *s, char *why, size_t cap) {
  /* Check the live bytes (what runs) before touching anything. */
  for (size_t i = 0; i < s->ngrowth + s->nshrink; i++) {
    uint64_t r = i < s->ngrowth ? s->growth_ret[i] : s->shrink_ret[i - s->ngrowth];
    const uint8_t *code = (const uint8_t *)(r - 5);
    int32_t rel;
    memcpy(&rel, code + 1, 4);
    if (code[0] != 0xE8 || r + (int64_t)rel != s->copystack) {
      snprintf(why, cap, "the code in memory at %#llx is not the expected CALL runtime.copystack",
               (unsigned long long)(r - 5));
      return false;
    }
  }
  uint8_t *stub = map_stub_near(s);
  if (stub == NULL) {
    snprintf(why, cap, "no free page within 2 GiB of the Go text for the copystack stub");
    return false;
  }
  /* jmp *0(%rip); .quad trampoline */
  static const uint8_t jmp_abs[6] = {0xFF, 0x25, 0x00, 0x00, 0x00, 0x00};
  uint64_t dest = (uint64_t)(uintptr_t)ud_copystack_trampoline;
  memcpy(stub, jmp_abs, sizeof jmp_abs);
  memcpy(stub + sizeof jmp_abs, &dest, sizeof dest);
  if (mprotect(stub, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_EXEC) != 0) {
    snprintf(why, cap, "mprotect of the copystack stub failed: %s", strerror(errno));
    munmap(stub, (size_t)sysconf(_SC_PAGESIZE));
    return false;
  }
  s->stub = (uint64_t)(uintptr_t)stub;
  ud_copystack_real = s->copystack;
  size_t done = 0;
  for (; done < s->ngrowth + s->nshrink; done++) {
    uint64_t r = done < s->ngrowth ? s->growth_ret[done] : s->shrink_ret[done - s->ngrowth];
    if (!patch_rel32(r - 5, s->stub))
      break;
  }
  if (done < s->ngrowth + s->nshrink) {
    int e = errno;
    for (size_t i = 0; i < done; i++) {
      uint64_t r = i < s->ngrowth ? s->growth_ret[i] : s->shrink_ret[i - s->ngrowth];
      patch_rel32(r - 5, s->copystack);
    }
    snprintf(why, cap, "cannot make the Go text writable to patch copystack calls: %s",
             strerror(e));
    return false;
  }
  return true;
}
