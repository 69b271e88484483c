/* libFuzzer target for the introspection core's decoders: ELF (image),
 * the Go function table (pclntab) and stack maps (stackmap), and the
 * probe over all of them (type descriptors, layout, gate frames, hook
 * sites, the DWARF reader).
 *
 * The input is written to a memfd and opened by path, as undead opens any
 * binary; then every function is looked up and queried at its entry, at
 * each boundary of its pcsp and stack-map-index tables, and by PC; then
 * the probe the shim runs at start-up (probe.h) runs on it. Only memory
 * errors and hangs are findings:
 * refusing corrupt input is correct. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_memfd.h"
#include "image.h"
#include "pclntab.h"
#include "probe.h"
#include "stackmap.h"

static volatile uint64_t sink;

typedef struct probe {
  const ud_func *f;
  unsigned budget;
} probe;

static void query(const ud_func *f, uint64_t pc) {
  int32_t v;
  const char *file;
  ud_live_slot slots[64];
  ud_stack_object objs[16];
  size_t n;
  ud_frame_layout fr;
  ud_err err;
  if (ud_func_spdelta(f, pc, &v))
    sink += (uint32_t)v;
  if (ud_func_pcdata(f, UD_PCDATA_UnsafePoint, pc, &v))
    sink += (uint32_t)v;
  if (ud_func_fileline(f, pc, &file, &v))
    sink += (uint64_t)strlen(file) + (uint32_t)v;
  if (ud_stackmap_live_at(f, pc, &fr, slots, 64, &n, &err) == UD_OK)
    for (size_t i = 0; i < n && i < 64; i++)
      sink += (uint32_t)slots[i].sp_off;
  if (ud_stackmap_objects(f, pc, objs, 16, &n, &err) == UD_OK)
    for (size_t i = 0; i < n && i < 16; i++)
      sink += objs[i].size;
}

static bool on_run(void *ctx, uint64_t lo, uint64_t hi, int32_t value) {
  probe *p = ctx;
  query(p->f, lo);
  query(p->f, hi);
  sink += (uint32_t)value;
  return --p->budget > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = fuzz_memfd(data, size);
  if (fd < 0)
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ud_err err;
  ud_image *img = ud_image_open(path, &err);
  if (img) {
    uint64_t a, b;
    const void *d;
    sink += ud_image_go_release(img);
    const char *ver = ud_image_go_version(img);
    if (ver)
      sink += strlen(ver);
    if (ud_image_symbol(img, "runtime.cgocall", &a, &b))
      sink += a + b;
    if (ud_image_section(img, ".gopclntab", &a, &b, &d) && d)
      sink += ((const uint8_t *)d)[b ? b - 1 : 0] * (b != 0);
    if (ud_image_text(img, &a, &b) && ud_image_at(img, a, 16))
      sink += *(const uint8_t *)ud_image_at(img, a, 16);
    ud_pclntab *tab = ud_pclntab_open(img, &err);
    if (tab) {
      size_t nf = ud_pclntab_nfuncs(tab);
      for (size_t i = 0; i < nf && i < 100000; i++) {
        ud_func f, g;
        if (!ud_pclntab_func_at(tab, i, &f))
          continue;
        sink += strlen(ud_func_name(&f)) + ud_func_id(&f) + ud_func_flag(&f);
        for (uint8_t k = 0; k < 8; k++)
          if (ud_func_funcdata(&f, k))
            sink += *ud_func_funcdata(&f, k);
        query(&f, f.entry);
        if (f.end > f.entry)
          query(&f, f.end - 1);
        probe p = {&f, 4};
        ud_func_pcruns(&f, UD_PCTAB_SP, on_run, &p);
        p.budget = 6;
        ud_func_pcruns(&f, UD_PCDATA_StackMapIndex, on_run, &p);
        p.budget = 1;
        ud_func_pcruns(&f, UD_PCTAB_LINE, on_run, &p);
        if (ud_pclntab_find_func(tab, f.entry + (f.end - f.entry) / 2, &g))
          sink += g.entry;
      }
      ud_func f;
      if (ud_pclntab_func_by_name(tab, "runtime.cgocall", &f))
        sink += f.entry;
      static ud_probe pr;
      ud_probe_binary(img, tab, NULL, &pr);
      sink += pr.nreasons + pr.ngates + pr.nexports + (uint64_t)pr.layout.g_goid;
      ud_pclntab_close(tab);
    }
    if (ud_image_dwarf(img, &err) != NULL)
      sink++;
    ud_image_close(img);
  }
  close(fd);
  return 0;
}
