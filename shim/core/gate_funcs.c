/* gate_frames: finding X/Y pairs, their undead candidate slots, and where
 * a goroutine in C is parked.
 *
 * asmcgocall is assembly (ABI0); Go code calls it directly, and the ABI
 * wrapper that Go gives it carries the same name in the function table, so
 * every function named runtime.asmcgocall counts as a Y callee. asmcgocall
 * is the runtime's own (no other package may call it), so a byte scan of
 * the runtime package's text (ud_pclntab_runtime_text: a fraction of a
 * large program's) for E8 rel32 whose target is one of them picks the few
 * functions worth decoding; those are then decoded instruction by
 * instruction, so a stray E8 inside another instruction never makes a
 * gate. */
#include "gate_funcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goversion.h"
#include "x86.h"

enum { MAX_CALLEES = 8 };

typedef struct callee_set {
  uint64_t entry[MAX_CALLEES];
  const char *name[MAX_CALLEES];
  size_t n;
} callee_set;

static const char *callee_name(const callee_set *s, uint64_t target) {
  for (size_t i = 0; i < s->n; i++)
    if (s->entry[i] == target)
      return s->name[i];
  return NULL;
}

/* Every function named in `names` (all of each name), from the table's
 * name index. */
static void collect(const ud_pclntab *tab, const char *const *names, size_t nnames,
                    callee_set *out) {
  out->n = 0;
  for (size_t k = 0; k < nnames; k++) {
    ud_func f[UD_PCLNTAB_PER_NAME];
    size_t n = ud_pclntab_funcs_by_name(tab, names[k], f, UD_PCLNTAB_PER_NAME);
    for (size_t j = 0; j < n && out->n < MAX_CALLEES; j++) {
      out->entry[out->n] = f[j].entry;
      out->name[out->n] = names[k];
      out->n++;
    }
  }
}

int ud_gate_funcs_find(const ud_image *img, const ud_pclntab *tab, ud_gate_func *out, size_t cap,
                  size_t *n, ud_err *err) {
  static const char *const y_names[] = {"runtime.asmcgocall"};
  static const char *const x_names[] = {"runtime.entersyscall", "runtime.reentersyscall"};
  callee_set ys, xs;
  *n = 0;
  collect(tab, y_names, 1, &ys);
  collect(tab, x_names, 2, &xs);
  if (ys.n == 0 || xs.n == 0)
    return UD_OK; /* no cgo calls through the runtime: no gates */

  uint64_t text_lo, text_hi;
  if (!ud_image_text(img, &text_lo, &text_hi) || text_hi <= text_lo + 5)
    return ud_fail(err, UD_E_CORRUPT, "%s: no text section", ud_image_path(img));
  uint64_t rt_lo, rt_hi;
  if (ud_pclntab_runtime_text(tab, &rt_lo, &rt_hi) && rt_lo >= text_lo && rt_hi <= text_hi &&
      rt_hi > rt_lo + 5)
    text_lo = rt_lo, text_hi = rt_hi;
  const uint8_t *text = ud_image_at(img, text_lo, text_hi - text_lo);
  if (text == NULL)
    return ud_fail(err, UD_E_CORRUPT, "%s: the text is not in the file", ud_image_path(img));

  size_t count = 0;
  uint64_t last_fn = UINT64_MAX;
  size_t len = (size_t)(text_hi - text_lo);
  for (size_t i = 0; i + 5 <= len; i++) {
    /* memchr: the scan of the whole text is most of the cost of this
     * function, and the start-up cost of the shim. */
    const uint8_t *e8 = memchr(text + i, 0xE8, len - 4 - i);
    if (e8 == NULL)
      break;
    i = (size_t)(e8 - text);
    int32_t rel;
    memcpy(&rel, text + i + 1, 4);
    uint64_t pc = text_lo + i;
    if (callee_name(&ys, pc + 5 + (int64_t)rel) == NULL)
      continue;
    ud_func f;
    if (!ud_pclntab_find_func(tab, pc, &f) || f.entry == last_fn)
      continue;
    last_fn = f.entry;
    if (f.end <= f.entry || f.end - f.entry > (64u << 20))
      continue;

    ud_call_site buf[64], *calls;
    size_t nc = 0;
    int rc = ud_x86_calls_any(img, f.entry, f.end, buf, 64, &calls, &nc, err);
    if (rc != UD_OK)
      return rc;
    for (size_t y = 0; y < nc; y++) {
      if (callee_name(&ys, calls[y].target) == NULL)
        continue;
      for (size_t x = 0; x < y; x++) {
        const char *xname = callee_name(&xs, calls[x].target);
        if (xname == NULL)
          continue;
        if (count < cap) {
          out[count].fn = f;
          out[count].x_ret = calls[x].ret;
          out[count].y_ret = calls[y].ret;
          out[count].x_callee = xname;
        }
        count++;
      }
    }
    if (calls != buf)
      free(calls);
    /* continue the byte scan after this function */
    if (f.end > pc + 1)
      i = (size_t)(f.end - text_lo) - 1;
  }
  *n = count;
  return UD_OK;
}

static int live_at(const ud_func *f, uint64_t pc, ud_frame_layout *fl, ud_live_slot **slots,
                   size_t *n, ud_live_slot *buf, size_t cap, ud_err *err) {
  int rc = ud_stackmap_live_at(f, pc, fl, buf, cap, n, err);
  if (rc != UD_OK)
    return rc;
  *slots = buf;
  if (*n > cap) {
    ud_live_slot *big = malloc(*n * sizeof *big);
    if (big == NULL)
      return ud_fail(err, UD_E_NOMEM, "out of memory");
    size_t n2;
    rc = ud_stackmap_live_at(f, pc, fl, big, *n, &n2, err);
    if (rc != UD_OK) {
      free(big);
      return rc;
    }
    *slots = big;
  }
  return UD_OK;
}

int ud_gate_slots(const ud_gate_func *g, ud_live_slot *out, bool *live_at_y, size_t cap, size_t *n,
                  int32_t *frame_size, ud_err *err) {
  enum { BUF = 128 };
  ud_live_slot xb[BUF], yb[BUF], *xs = NULL, *ys = NULL;
  ud_frame_layout fx, fy;
  size_t nx = 0, ny = 0;
  *n = 0;
  int rc = live_at(&g->fn, g->x_ret, &fx, &xs, &nx, xb, BUF, err);
  if (rc == UD_OK)
    rc = live_at(&g->fn, g->y_ret, &fy, &ys, &ny, yb, BUF, err);
  if (rc == UD_OK && fx.spdelta != fy.spdelta)
    rc = ud_fail(err, UD_E_UNSUPPORTED,
                 "%s: frame size differs at X (%d) and Y (%d): not one frame",
                 ud_func_name(&g->fn), fx.spdelta, fy.spdelta);
  if (rc == UD_OK) {
    for (size_t i = 0; i < nx && i < cap; i++) {
      bool live_y = false;
      for (size_t j = 0; j < ny && !live_y; j++)
        live_y = ys[j].sp_off == xs[i].sp_off;
      out[i] = xs[i];
      live_at_y[i] = live_y;
    }
    *n = nx;
    if (frame_size != NULL)
      *frame_size = fx.spdelta;
  }
  if (xs != NULL && xs != xb)
    free(xs);
  if (ys != NULL && ys != yb)
    free(ys);
  return rc;
}

bool ud_gate_slot_name(const ud_image *img, ud_dwarfvars *dv, const ud_func *fn, uint64_t x_ret,
                       uint8_t kind, int32_t sp_off, int32_t fp_minus_sp, char *out, size_t cap) {
  static const struct {
    const char *func;
    const char *params[2];
  } sigs[] = {{"runtime.cgocall", {"fn", "arg"}}};
  int32_t fp_off = sp_off - fp_minus_sp;
  if (dv != NULL && ud_dwarfvars_name(dv, x_ret, fp_off, out, cap))
    return true;
  const char *func = ud_func_name(fn);
  if (func == NULL || cap == 0)
    return false;
  int param = -1;
  if (kind == UD_SLOT_ARG && fp_off >= 0 && fp_off % 8 == 0) {
    param = fp_off / 8;
  } else if (kind == UD_SLOT_LOCAL && img != NULL && x_ret > fn->entry && x_ret - fn->entry <= 4096) {
    const uint8_t *code = ud_image_at(img, fn->entry, x_ret - fn->entry);
    if (code != NULL)
      param = ud_x86_param_spill(code, (size_t)(x_ret - fn->entry), fn->entry, x_ret, sp_off);
  }
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    if (strcmp(func, sigs[i].func) == 0 && param >= 0 && param < 2) {
      snprintf(out, cap, "%s", sigs[i].params[param]);
      return true;
    }
  return false;
}

int ud_gate_park_find(const ud_image *img, const ud_pclntab *tab, int32_t sched_pc_off,
                      ud_gate_park *out, ud_err *err) {
  ud_func save, sw;
  if (!ud_pclntab_func_by_name(tab, "gosave_systemstack_switch", &save) ||
      !ud_pclntab_func_by_name(tab, "runtime.systemstack_switch", &sw))
    return ud_fail(err, UD_E_NOT_FOUND, "gosave_systemstack_switch or runtime.systemstack_switch "
                   "is not in the function table");
  const uint8_t *code = ud_image_at(img, save.entry, save.end - save.entry);
  uint64_t pc;
  int32_t disp;
  int base;
  if (code == NULL || save.end - save.entry > 4096 ||
      !ud_x86_lea_then_store(code, (size_t)(save.end - save.entry), save.entry, UD_X86_R9, &pc,
                             &disp, &base) || base != UD_X86_R14)
    return ud_fail(err, UD_E_UNSUPPORTED, "gosave_systemstack_switch does not start with "
                   "LEAQ pc(RIP), R9; MOVQ R9, off(R14)");
  if (disp != sched_pc_off)
    return ud_fail(err, UD_E_CORRUPT, "gosave_systemstack_switch stores g.sched.pc at %d, the "
                   "layout says %d", disp, sched_pc_off);
  if (pc < sw.entry || pc >= sw.end)
    return ud_fail(err, UD_E_UNSUPPORTED, "gosave_systemstack_switch parks at %#llx, outside "
                   "runtime.systemstack_switch", (unsigned long long)pc);
  bool exact;
  const ud_goversion *v = ud_goversion_find(ud_image_go_release(img), &exact);
  char vb[16];
  if (v != NULL && exact && pc - sw.entry != v->switch_pc_off)
    return ud_fail(err, UD_E_CORRUPT, "goroutines in C are parked at runtime.systemstack_switch+%llu, "
                   "Go %s parks them at +%u", (unsigned long long)(pc - sw.entry),
                   ud_goversion_name(v->version, vb, sizeof vb), v->switch_pc_off);
  int32_t d;
  if (!ud_func_spdelta(&sw, pc, &d) || d < 0 || d > 64)
    return ud_fail(err, UD_E_CORRUPT, "runtime.systemstack_switch has no frame size at %#llx",
                   (unsigned long long)pc);
  out->pc = pc;
  out->spdelta = d;
  return UD_OK;
}
