/* shim: the constructor of libundead.so.
 *
 * In anything but a Go program with cgo, or with UNDEAD=0, it returns after
 * one getenv and one dlsym: no file is opened, nothing is printed. In the Go
 * toolchain's own commands built with cgo it reads their build info and is
 * just as silent. In a Go program it reads its own executable with the core,
 * finds the gate frames and the copystack call sites, patches those, and
 * installs the cgo context function, all before the Go runtime starts.
 * Whatever it cannot do turns it off with one line on stderr. */
#include "shim.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cgoctx.h"
#include "cstack.h"
#include "gate.h"
#include "gateinfo.h"
#include "gtable.h"
#include "log.h"
#include "runtime.h"

ud_shim_state ud_shim;

typedef struct main_probe {
  uintptr_t addr;
  bool inside;
  uint64_t bias;
  bool seen;
} main_probe;

/* The first object dl_iterate_phdr reports is the main program. */
static int probe_main(struct dl_phdr_info *info, size_t size, void *p) {
  main_probe *m = p;
  (void)size;
  m->seen = true;
  m->bias = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD)
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (m->addr >= lo && m->addr < lo + ph->p_memsz)
      m->inside = true;
  }
  return 1;
}

static bool layout_usable(const ud_layout *l, char *why, size_t cap) {
  uint64_t memsz = 0, align = 0;
  if (!ud_image_tls(ud_shim.img, &memsz, &align)) {
    snprintf(why, cap, "the executable has no TLS segment (no g slot)");
    return false;
  }
  /* The executable's TLS block ends at the thread pointer (variant II). */
  int64_t off = l->tls_g_offset;
  int64_t block = (int64_t)((memsz + (align ? align : 1) - 1) & ~((align ? align : 1) - 1));
  if (off >= 0 || (off & 7) != 0 || off < -block) {
    snprintf(why, cap, "TLS g offset %lld is not inside the executable's TLS block", (long long)off);
    return false;
  }
  return true;
}

/* Link-time vaddr -> the word in this process, if it is file-backed data of
 * the executable (so never an unmapped address). */
static bool read_live_word(void *ctx, uint64_t vaddr, uint64_t *out) {
  (void)ctx;
  uint64_t sv, filesz;
  uint32_t flags;
  for (size_t i = 0; ud_image_segment(ud_shim.img, i, &sv, &filesz, &flags); i++)
    if (vaddr >= sv && vaddr - sv + 8 <= filesz) {
      memcpy(out, (const void *)(uintptr_t)(vaddr + ud_shim.bias), 8);
      return true;
    }
  return false;
}

/* The Go toolchain's own commands (main package cmd/...: go, pprof, trace;
 * not the tests of cmd packages, "cmd/....test") are built with cgo by some
 * distributions, often stripped. They are never what the shim is for; it
 * stays silent and off there, as it does in any program without cgo. */
static bool is_go_tool(const ud_image *img) {
  uint64_t vaddr, size;
  const void *data;
  if (!ud_image_section(img, ".go.buildinfo", &vaddr, &size, &data) || data == NULL)
    return false;
  size_t n = size < 4096 ? size : 4096;
  static const char key[] = "path\tcmd/";
  const char *p = memmem(data, n, key, sizeof key - 1);
  if (p == NULL)
    return false;
  const char *end = memchr(p, '\n', n - (size_t)(p - (const char *)data));
  return end != NULL && !(end - p >= 5 && memcmp(end - 5, ".test", 5) == 0);
}

static bool setup(char *why, size_t cap, bool *quiet) {
  ud_err err = {0};
  ssize_t n = readlink("/proc/self/exe", ud_shim.binary, sizeof ud_shim.binary - 1);
  ud_shim.binary[n > 0 ? n : 0] = '\0';
  const char *ver = ud_image_go_version(ud_shim.img);
  snprintf(ud_shim.go_version, sizeof ud_shim.go_version, "%s", ver ? ver : "unknown");
  ud_shim.tab = ud_pclntab_open(ud_shim.img, &err);
  if (ud_shim.tab == NULL) {
    snprintf(why, cap, "cannot read the Go function table: %s", err.msg);
    return false;
  }
  ud_cgo_context ctx;
  if (ud_cgo_context_find(ud_shim.img, ud_shim.tab, read_live_word, NULL, &ctx, &err) != UD_OK) {
    *quiet = err.status == UD_E_NOT_FOUND; /* no callbacks: nothing can go wrong */
    snprintf(why, cap, "cgo context function: %s", err.msg);
    return false;
  }
  if (ud_layout_load(ud_shim.img, ud_shim.tab, &ud_shim.layout, NULL, &err) != UD_OK) {
    snprintf(why, cap, "runtime layout unknown for %s: %s", ud_shim.go_version, err.msg);
    return false;
  }
  if (!layout_usable(&ud_shim.layout, why, cap))
    return false;
  ud_rt_init(&ud_shim.layout);
  size_t skipped = 0;
  if (ud_gateinfo_load(ud_shim.img, ud_shim.tab, ud_shim.bias, &skipped, why, cap) == 0)
    return false;
  if (!ud_hook_find(ud_shim.img, ud_shim.tab, ud_shim.bias, &ud_shim.hooks, why, cap))
    return false;
  /* Layout and slot names are read: the DWARF is not needed again (reports
   * never read it), and its inflated sections are the shim's largest
   * allocation. */
  ud_image_release_dwarf(ud_shim.img);
  if (!ud_alloc_is_private()) {
    snprintf(why, cap, "the shim's allocator is not private (link error)");
    return false;
  }
  ud_cstack_init();
  if (!ud_gtable_init()) {
    snprintf(why, cap, "out of memory");
    return false;
  }
  /* Everything is resolved before patching; patch before installing, so
   * that a snapshot is never taken without the copy hook in place. */
  if (!ud_hook_install(&ud_shim.hooks, why, cap))
    return false;
  if (!ud_gate_install(&ctx, ud_shim.bias, why, cap))
    return false; /* the hook stays: with no snapshot it returns at once */
  if (ud_shim.opt.verbosity >= 1) {
    size_t ng = ud_gateinfo_count(), cand = 0;
    for (size_t i = 0; i < ng; i++)
      cand += ud_gateinfo_at(i)->ncand;
    ud_log("active: %s %s: %zu gate frame(s) (%s X=%s:%d Y=%s:%d, %zu undead candidate slot(s))"
           "%s; runtime.copystack hooked at %zu growth + %zu shrink site(s); layout from %s; "
           "context function found in the %s",
           ud_shim.go_version, ud_shim.binary, ng, ud_gateinfo_at(0)->func_name,
           ud_gateinfo_at(0)->x_file, ud_gateinfo_at(0)->x_line, ud_gateinfo_at(0)->y_file,
           ud_gateinfo_at(0)->y_line, cand, skipped ? " (some skipped)" : "",
           ud_shim.hooks.ngrowth, ud_shim.hooks.nshrink, ud_shim.layout.source, ctx.source);
  }
  if (ud_shim.opt.verbosity >= 2) {
    for (size_t i = 0; i < ud_gateinfo_count(); i++) {
      const ud_gate_info *gi = ud_gateinfo_at(i);
      for (size_t k = 0; k < gi->nslots; k++)
        ud_log("  gate %s slot sp+%d %s%s%s live at X%s", gi->func_name, gi->slots[k].sp_off,
               gi->slots[k].kind == UD_SLOT_ARG ? "arg" : "local", gi->slots[k].name[0] ? " " : "",
               gi->slots[k].name, gi->slots[k].live_at_y ? " and Y" : ", dead at Y (candidate)");
    }
  }
  return true;
}

__attribute__((constructor)) static void ud_shim_init(void) {
  const char *on = getenv("UNDEAD");
  if (on != NULL && strcmp(on, "0") == 0)
    return;
  void *cc2 = dlsym(RTLD_DEFAULT, "crosscall2");
  if (cc2 == NULL)
    return; /* not a Go program with cgo */
  main_probe mp = {.addr = (uintptr_t)cc2};
  dl_iterate_phdr(probe_main, &mp);
  if (!mp.seen || !mp.inside)
    return; /* cgo lives in a library, not in the program */
  ud_shim.bias = mp.bias;

  char why[320];
  ud_err err = {0};
  ud_shim.img = ud_image_open("/proc/self/exe", &err);
  if (ud_shim.img != NULL && is_go_tool(ud_shim.img))
    return;
  ud_options_default(&ud_shim.opt);
  if (!ud_options_parse(getenv("UNDEAD_OPTIONS"), &ud_shim.opt, why, sizeof why)) {
    ud_log("%s; the shim is off", why);
    return;
  }
  if (ud_shim.opt.help) {
    ud_options_print_help(2);
    _exit(0);
  }
  if (ud_shim.img == NULL)
    ud_log("disabled: cannot read the executable: %s", err.msg);
  else {
    bool quiet = false;
    if (!setup(why, sizeof why, &quiet) && (!quiet || ud_shim.opt.verbosity >= 1))
      ud_log("disabled: %s", why);
  }
}
