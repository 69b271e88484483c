/* patch: stubs and code patches (see patch.h). */
#include "patch.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sites.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

extern char ud_tramp_copystack[], ud_tramp_callback_return[], ud_tramp_callback_move[],
    ud_tramp_exit[], ud_tramp_stackfree[], ud_tramp_stackalloc[], ud_tramp_callback_enter[];

enum { STUB_COPYSTACK, STUB_RETURN, STUB_MOVE, STUB_EXIT, STUB_STACKFREE, STUB_STACKALLOC,
       STUB_ENTER, NSTUBS, STUB_SIZE = 32 };

/* One patch: the 5 bytes at `at` become a CALL or JMP rel32 to a stub. */
typedef struct patch {
  uint64_t at;       /* run-time address */
  uint8_t opcode;    /* 0xE8 CALL, 0xE9 JMP */
  int stub;
  uint8_t old[5];
} patch;

enum { MAX_PATCHES = 2 * UD_SITES_MAX + 5 + 2 * UD_STACK_SITES_MAX };

static bool within_rel32(uint64_t a, uint64_t b) {
  int64_t d = (int64_t)(a - b);
  return d > -(int64_t)0x7fff0000 && d < (int64_t)0x7fff0000;
}

/* A page within rel32 reach of every patch: tried below the lowest first
 * (usually free below the image), then above the highest. */
static uint8_t *map_stub_page(const patch *p, size_t n) {
  long page = sysconf(_SC_PAGESIZE);
  uint64_t lo = UINT64_MAX, hi = 0;
  for (size_t i = 0; i < n; i++) {
    lo = p[i].at < lo ? p[i].at : lo;
    hi = p[i].at > hi ? p[i].at : hi;
  }
  for (int dir = 0; dir < 2; dir++) {
    for (uint64_t d = 1ull << 20; d < (1ull << 31) - (1ull << 24);
         d += d < (64ull << 20) ? (1ull << 20) : (32ull << 20)) {
      uint64_t hint;
      if (dir == 0) {
        if (lo < d + (1ull << 16))
          break;
        hint = (lo - d) & ~(uint64_t)(page - 1);
      } else {
        hint = (hi + d) & ~(uint64_t)(page - 1);
      }
      void *m = mmap((void *)hint, (size_t)page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (m == MAP_FAILED)
        continue;
      bool ok = true;
      for (size_t i = 0; i < n && ok; i++)
        ok = within_rel32((uint64_t)m, p[i].at);
      if (ok)
        return m;
      munmap(m, (size_t)page);
    }
  }
  return NULL;
}

/* movabs $rt, %r12 ; jmp *0(%rip) ; .quad target */
static void write_stub(uint8_t *s, const ud_rt *rt, void *target) {
  uint64_t rtv = (uint64_t)(uintptr_t)rt, t = (uint64_t)(uintptr_t)target;
  s[0] = 0x49, s[1] = 0xBC;
  memcpy(s + 2, &rtv, 8);
  static const uint8_t jmp[6] = {0xFF, 0x25, 0, 0, 0, 0};
  memcpy(s + 10, jmp, sizeof jmp);
  memcpy(s + 16, &t, 8);
}

/* Writes the patch through /proc/self/mem where it can (mem_fd >= 0): the
 * kernel copies the page for this process without touching the mapping's
 * protection, so the text stays one mapping in /proc/self/maps, as the
 * loader left it (runtime/pprof builds its mapping table from there).
 * Else, mprotect around the write (the kernel then splits the mapping at
 * the patched pages). */
static bool write_code(int mem_fd, uint64_t at, const uint8_t *bytes, size_t len) {
  if (mem_fd >= 0 && pwrite(mem_fd, bytes, len, (off_t)at) == (ssize_t)len)
    return true;
  long page = sysconf(_SC_PAGESIZE);
  uint64_t start = at & ~(uint64_t)(page - 1);
  uint64_t end = (at + len + (uint64_t)page - 1) & ~(uint64_t)(page - 1);
  if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE) != 0)
    return false;
  memcpy((void *)at, bytes, len);
  __builtin___clear_cache((char *)at, (char *)at + len);
  return mprotect((void *)start, end - start, PROT_READ | PROT_EXEC) == 0;
}

/* Adds the CALL sites call[0, ncall) (link-time), each checked in memory
 * to be the CALL rel32 to callee_entry, the callee the probe found. */
static bool add_sites(const ud_rt *rt, const uint64_t *call, size_t ncall, uint64_t callee_entry,
                      const char *callee, int stub, patch *p, size_t *n, char *why, size_t cap) {
  for (size_t i = 0; i < ncall; i++) {
    uint64_t at = call[i] + rt->bias;
    const uint8_t *code = (const uint8_t *)(uintptr_t)at;
    int32_t rel;
    memcpy(&rel, code + 1, 4);
    if (code[0] != 0xE8 || at + 5 + (int64_t)rel != callee_entry + rt->bias) {
      snprintf(why, cap, "the code in memory at %#llx is not the expected CALL %s",
               (unsigned long long)at, callee);
      return false;
    }
    p[*n] = (patch){.at = at, .opcode = 0xE8, .stub = stub};
    memcpy(p[*n].old, code, 5);
    (*n)++;
  }
  return true;
}

static bool add_calls(const ud_rt *rt, const ud_call_list *l, int stub, patch *p, size_t *n,
                      char *why, size_t cap) {
  return add_sites(rt, l->call, l->n, l->callee_entry, l->callee, stub, p, n, why, cap);
}

bool ud_hook_quarantines(const ud_rt *rt) {
  return rt->opt->quarantine && rt->sites.left_free.error[0] == 0 && rt->sites.left_free.n == 1;
}

bool ud_hook_install(ud_rt *rt, char *why, size_t cap) {
  patch p[MAX_PATCHES];
  size_t n = 0;
  const ud_sites *s = &rt->sites;
  if (!add_calls(rt, &s->growth, STUB_COPYSTACK, p, &n, why, cap) ||
      !add_calls(rt, &s->shrink, STUB_COPYSTACK, p, &n, why, cap) ||
      !add_calls(rt, &s->cb_return, STUB_RETURN, p, &n, why, cap) ||
      (rt->opt->move_on_callback && !add_calls(rt, &s->cb_run, STUB_MOVE, p, &n, why, cap)) ||
      (ud_hook_quarantines(rt) && !rt->own_stacks &&
       !add_calls(rt, &s->left_free, STUB_STACKFREE, p, &n, why, cap)))
    return false;
  /* The callback's entry: optional (a release without that call is
   * watched without the system-stack check). */
  if (s->cb_enter.error[0] == 0 && !add_calls(rt, &s->cb_enter, STUB_ENTER, p, &n, why, cap))
    return false;
  /* Own stacks: every stackfree (copystack's among them) and stackalloc. */
  const ud_stack_sites *st = &rt->stacks;
  if (rt->own_stacks &&
      (!add_sites(rt, st->free, st->nfree, st->free_entry, "runtime.stackfree", STUB_STACKFREE, p,
                  &n, why, cap) ||
       !add_sites(rt, st->alloc, st->nalloc, st->alloc_entry, "runtime.stackalloc",
                  STUB_STACKALLOC, p, &n, why, cap)))
    return false;
  if (s->exit_entry != 0) {
    uint64_t at = s->exit_entry + rt->bias;
    if (memcmp((const void *)(uintptr_t)at, UD_EXIT_PROLOGUE, UD_EXIT_PROLOGUE_LEN) == 0) {
      p[n] = (patch){.at = at, .opcode = 0xE9, .stub = STUB_EXIT};
      memcpy(p[n].old, (const void *)(uintptr_t)at, 5);
      n++;
    }
  }
  uint8_t *page = map_stub_page(p, n);
  if (page == NULL) {
    snprintf(why, cap, "no free page within 2 GiB of the Go text for the hook stubs");
    return false;
  }
  void *targets[NSTUBS] = {ud_tramp_copystack, ud_tramp_callback_return, ud_tramp_callback_move,
                           ud_tramp_exit, ud_tramp_stackfree, ud_tramp_stackalloc,
                           ud_tramp_callback_enter};
  for (int i = 0; i < NSTUBS; i++)
    write_stub(page + i * STUB_SIZE, rt, targets[i]);
  long pagesize = sysconf(_SC_PAGESIZE);
  if (mprotect(page, (size_t)pagesize, PROT_READ | PROT_EXEC) != 0) {
    snprintf(why, cap, "mprotect of the hook stubs failed: %s", strerror(errno));
    munmap(page, (size_t)pagesize);
    return false;
  }
  /* Closed before this returns: the shim keeps no descriptor. */
  int mem_fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
  size_t done = 0;
  for (; done < n; done++) {
    uint8_t insn[5] = {p[done].opcode};
    int32_t rel = (int32_t)(int64_t)((uint64_t)(uintptr_t)(page + p[done].stub * STUB_SIZE) - (p[done].at + 5));
    memcpy(insn + 1, &rel, 4);
    if (!write_code(mem_fd, p[done].at, insn, 5))
      break;
  }
  if (done < n) {
    int e = errno;
    while (done-- > 0)
      write_code(mem_fd, p[done].at, p[done].old, 5);
    if (mem_fd >= 0)
      close(mem_fd);
    snprintf(why, cap, "cannot make the Go text writable to patch it: %s", strerror(e));
    return false;
  }
  if (mem_fd >= 0)
    close(mem_fd);
  return true;
}
