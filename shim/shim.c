/* shim: the constructor of libundead.so.
 *
 * In anything but a Go program with cgo, or with UNDEAD=0, it returns after
 * one getenv and one dlsym: no file is opened, nothing is printed. In the Go
 * toolchain's own commands built with cgo it reads their build info and is
 * just as silent. In a Go program it probes its own executable with the
 * core, describes the gate frames and patches the runtime's hook sites, all
 * before the Go runtime starts. Whatever it cannot do turns it off with one
 * line on stderr naming the program. */
#include "shim.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "counts.h"
#include "cstack.h"
#include "history.h"
#include "log.h"

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

/* One runtime more: the shared state (allocator check, tables) is set up
 * with the first. */
static bool attach(ud_image *img, const char *path, uint64_t bias) {
  char why[400];
  bool quiet = false;
  if (ud_shim.nrts == UD_MAX_RUNTIMES) {
    ud_log("not watching %s: more than %d Go runtimes in one process", path, UD_MAX_RUNTIMES);
    return false;
  }
  if (!ud_alloc_is_private()) {
    ud_log("disabled in %s: the shim's allocator is not private (link error)", path);
    return false;
  }
  ud_rt *rt = ud_rt_attach(img, path, bias, &ud_shim.opt, &quiet, why, sizeof why);
  if (rt == NULL) {
    if (!quiet || ud_shim.opt.verbosity >= 1)
      ud_log("disabled in %s: %s", path, why);
    return false;
  }
  /* Once started, the shim holds nothing of the program's: libelf's and
   * libdw's allocations (from the process's malloc) are freed. */
  ud_image_drop_elf(img);
  __atomic_store_n(&ud_shim.rts[ud_shim.nrts], rt, __ATOMIC_RELEASE);
  __atomic_store_n(&ud_shim.nrts, ud_shim.nrts + 1, __ATOMIC_RELEASE);
  return true;
}

void ud_on_exit(ud_rt *rt, int code) {
  (void)code;
  ud_counts_write_final(&ud_shim.opt, rt->path, rt->go_version);
}

/* Programs that end through libc (C hosts of Go libraries) run this; Go
 * programs leave by exit_group, through the runtime.exit hook instead. */
__attribute__((destructor)) static void ud_shim_fini(void) {
  if (ud_shim.nrts > 0)
    ud_counts_write_final(&ud_shim.opt, ud_shim.rts[0]->path, ud_shim.rts[0]->go_version);
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

  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  ud_err err = {0};
  ud_image *img = ud_image_open("/proc/self/exe", &err);
  if (img != NULL && is_go_tool(img)) {
    ud_image_close(img);
    return;
  }
  char why[400];
  ud_options_default(&ud_shim.opt);
  if (!ud_options_parse(getenv("UNDEAD_OPTIONS"), &ud_shim.opt, why, sizeof why)) {
    ud_log("%s; the shim is off in %s", why, path);
    ud_image_close(img);
    return;
  }
  if (ud_shim.opt.help) {
    ud_options_print_help(2);
    _exit(0);
  }
  if (img == NULL) {
    ud_log("disabled in %s: cannot read the executable: %s", path, err.msg);
    return;
  }
  ud_cstack_init();
  ud_counts_init();
  if (!ud_history_init()) {
    ud_log("disabled in %s: out of memory", path);
    ud_image_close(img);
    return;
  }
  ud_shim.enabled = true;
  if (!attach(img, path, mp.bias))
    ud_image_close(img);
}
