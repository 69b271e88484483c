/* cgoctx: finding the cgo context function's setter, variable and static.
 *
 * The code routes read gcc's output for runtime/cgo's C files and the Go
 * compiler's for runtime.SetCgoTraceback; each is checked against the
 * others where more than one applies, so a compiler that arranges the code
 * differently yields "not found" or "inconsistent", never a wrong address. */
#include "cgoctx.h"

#include <string.h>

#include "x86.h"

enum {
  MOVS_MAX = 64,    /* RIP-relative MOVs looked at in one function */
  C_WINDOW = 512,   /* bytes of a C function decoded (to its first RET) */
  WRAPPER_HEAD = 64, /* bytes of an //export wrapper holding its first call */
  EXPORTS_MAX = 16, /* //export wrappers looked at */
};

bool ud_cgo_file_word(void *img, uint64_t vaddr, uint64_t *out) {
  const void *p = ud_image_at(img, vaddr, 8);
  if (p == NULL)
    return false;
  memcpy(out, p, 8);
  return true;
}

static bool in_go_func(const ud_pclntab *tab, uint64_t pc) {
  ud_func f;
  return ud_pclntab_find_func(tab, pc, &f);
}

/* A C function: code outside every Go function, inside the text. */
static bool is_c_code(const ud_image *img, const ud_pclntab *tab, uint64_t pc) {
  uint64_t start, end;
  return ud_image_text(img, &start, &end) && pc >= start && pc < end && !in_go_func(tab, pc);
}

static const uint8_t *code_at(const ud_image *img, uint64_t vaddr, size_t want, size_t *len) {
  uint64_t avail = 0;
  const uint8_t *p = ud_image_span(img, vaddr, &avail);
  *len = p == NULL ? 0 : avail < want ? (size_t)avail : want;
  return p;
}

/* The 8-byte RIP-relative MOVs of the C function at vaddr, before its first
 * RET. Returns how many were written (at most cap). */
static size_t c_function_movs(const ud_image *img, uint64_t vaddr, bool stores, uint64_t *out,
                              size_t cap) {
  size_t len, n = 0, k = 0;
  ud_rip_mov movs[MOVS_MAX];
  ud_err err = {0};
  const uint8_t *code = code_at(img, vaddr, C_WINDOW, &len);
  if (code == NULL || ud_x86_rip_movs(code, len, vaddr, true, movs, MOVS_MAX, &n, &err) != UD_OK)
    return 0;
  for (size_t i = 0; i < n && i < MOVS_MAX && k < cap; i++)
    if (movs[i].size == 8 && movs[i].store == stores)
      out[k++] = movs[i].addr;
  return k;
}

/* runtime.SetCgoTraceback loads the setter variable before calling through
 * it; of the words it loads, that variable is the one already holding the
 * address of C code (the others, cgoTraceback and the rest, are nil before
 * the program runs). Returns 1 found, 0 not linked or no such word, or an
 * error status (as a negative) when two words qualify. */
static int var_from_setcgotraceback(const ud_image *img, const ud_pclntab *tab,
                                    ud_word_reader read, void *read_ctx, uint64_t *var,
                                    uint64_t *setter, ud_err *err) {
  ud_func f;
  if (!ud_pclntab_func_by_name(tab, "runtime.SetCgoTraceback", &f) || f.end <= f.entry)
    return 0;
  const uint8_t *code = ud_image_at(img, f.entry, f.end - f.entry);
  ud_rip_mov movs[MOVS_MAX];
  size_t n = 0;
  if (code == NULL ||
      ud_x86_rip_movs(code, (size_t)(f.end - f.entry), f.entry, false, movs, MOVS_MAX, &n, err) != UD_OK)
    return 0;
  int found = 0;
  for (size_t i = 0; i < n && i < MOVS_MAX; i++) {
    uint64_t v;
    if (movs[i].size != 8 || movs[i].store || !read(read_ctx, movs[i].addr, &v) ||
        !is_c_code(img, tab, v))
      continue;
    if (found && (movs[i].addr != *var || v != *setter))
      return -ud_fail(err, UD_E_CORRUPT,
                      "runtime.SetCgoTraceback loads two words holding C addresses (%#llx, %#llx)",
                      (unsigned long long)*var, (unsigned long long)movs[i].addr);
    *var = movs[i].addr;
    *setter = v;
    found = 1;
  }
  return found;
}

/* Every //export wrapper begins `ctxt = _cgo_wait_runtime_init_done()`,
 * whose first load is the static context function. Other functions the
 * executable exports (a C library linked with -rdynamic) may begin
 * otherwise: the static is the one most wrappers agree on, and a tie
 * between two is an error. Returns 1 found, 0 no wrapper, or a negative
 * status. */
static int slot_from_exports(const ud_image *img, const ud_pclntab *tab, uint64_t *slot,
                             ud_err *err) {
  uint64_t fns[EXPORTS_MAX], seen[EXPORTS_MAX];
  size_t votes[EXPORTS_MAX], nseen = 0;
  size_t nf = ud_image_dynamic_functions(img, fns, EXPORTS_MAX);
  for (size_t i = 0; i < nf && i < EXPORTS_MAX; i++) {
    if (!is_c_code(img, tab, fns[i]))
      continue; /* crosscall2, _cgo_panic, ...: Go assembly */
    size_t len, n = 0;
    ud_call_site calls[4];
    const uint8_t *code = code_at(img, fns[i], WRAPPER_HEAD, &len);
    if (code == NULL || ud_x86_calls_buf(code, len, fns[i], calls, 4, &n, err) != UD_OK || n == 0 ||
        calls[0].target == 0 || !is_c_code(img, tab, calls[0].target))
      continue;
    uint64_t loads[1];
    if (c_function_movs(img, calls[0].target, false, loads, 1) != 1)
      continue;
    size_t k = 0;
    while (k < nseen && seen[k] != loads[0])
      k++;
    if (k == nseen)
      seen[nseen] = loads[0], votes[nseen++] = 0;
    votes[k]++;
  }
  size_t best = 0;
  for (size_t k = 1; k < nseen; k++)
    if (votes[k] > votes[best])
      best = k;
  for (size_t k = 0; k < nseen; k++)
    if (k != best && votes[k] == votes[best])
      return -ud_fail(err, UD_E_CORRUPT,
                      "exported functions disagree on the context function (%#llx, %#llx)",
                      (unsigned long long)seen[best], (unsigned long long)seen[k]);
  if (nseen == 0)
    return 0;
  *slot = seen[best];
  return 1;
}

int ud_cgo_context_find(const ud_image *img, const ud_pclntab *tab, ud_word_reader read,
                        void *read_ctx, ud_cgo_context *out, ud_err *err) {
  memset(out, 0, sizeof *out);
  uint64_t v = 0, var = 0, setter = 0;
  int r;
  if (ud_image_symbol(img, "x_cgo_set_context_function", &v, NULL))
    out->set_context = v;
  else if (ud_image_symbol(img, "x_cgo_set_traceback_functions", &v, NULL))
    out->set_traceback = v;
  if (out->set_context || out->set_traceback) {
    /* Go 1.19 exports its setter, so stripped 1.19 binaries arrive here
     * with no symbol for the variable: look for it in the code. */
    out->source = "symbol table";
    const char *name = out->set_context ? "_cgo_set_context_function" : "_cgo_set_traceback_functions";
    if (ud_image_symbol(img, name, &v, NULL)) {
      out->setter_var = v;
      return UD_OK;
    }
    if ((r = var_from_setcgotraceback(img, tab, read, read_ctx, &var, &setter, err)) < 0)
      return -r;
    if (r == 1 && setter != (out->set_context | out->set_traceback))
      return ud_fail(err, UD_E_CORRUPT, "runtime.SetCgoTraceback calls %#llx, not the setter %#llx",
                     (unsigned long long)setter,
                     (unsigned long long)(out->set_context | out->set_traceback));
    out->setter_var = r == 1 ? var : 0;
    return UD_OK;
  }

  out->source = "code";
  if ((r = var_from_setcgotraceback(img, tab, read, read_ctx, &var, &setter, err)) < 0)
    return -r;
  uint64_t stores[4];
  size_t nstores = 0;
  if (r == 1) {
    /* Go 1.19's setter stores one word, current Go's three. */
    nstores = c_function_movs(img, setter, true, stores, 4);
    if (nstores == 0)
      return ud_fail(err, UD_E_CORRUPT, "the cgo setter at %#llx stores nothing", (unsigned long long)setter);
    out->setter_var = var;
    if (nstores == 1)
      out->set_context = setter;
    else
      out->set_traceback = setter;
  }
  if ((r = slot_from_exports(img, tab, &out->slot, err)) < 0)
    return -r;
  if (nstores == 0 && out->slot == 0)
    return ud_fail(err, UD_E_NOT_FOUND,
                   "no cgo context setter in a symbol table and no //export function: "
                   "no callbacks to watch");
  if (nstores != 0 && out->slot != 0) {
    bool agree = false;
    for (size_t i = 0; i < nstores; i++)
      agree |= stores[i] == out->slot;
    if (!agree)
      return ud_fail(err, UD_E_CORRUPT,
                     "the cgo setter does not store the context function the //export wrappers load");
  }
  return UD_OK;
}
