/* sites: finding the hook sites (see sites.h). */
#include "sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86.h"

/* Every direct CALL from `caller` to `callee`, each checked to be a
 * 5-byte CALL rel32 that decodes to the callee. want_one: exactly one. */
static bool find_calls(const ud_image *img, const ud_pclntab *tab, ud_call_list *l, bool want_one) {
  ud_func caller, callee;
  l->n = 0;
  l->error[0] = 0;
  if (!ud_pclntab_func_by_name(tab, l->callee, &callee)) {
    snprintf(l->error, sizeof l->error, "%s is not in the function table", l->callee);
    return false;
  }
  l->callee_entry = callee.entry;
  if (!ud_pclntab_func_by_name(tab, l->caller, &caller)) {
    snprintf(l->error, sizeof l->error, "%s is not in the function table", l->caller);
    return false;
  }
  ud_call_site buf[256], *calls;
  size_t n = 0;
  ud_err err = {0};
  int rc = ud_x86_calls_any(img, caller.entry, caller.end, buf, sizeof buf / sizeof buf[0], &calls, &n,
                            &err);
  if (rc != UD_OK)
    snprintf(l->error, sizeof l->error, "cannot decode %s: %s", l->caller, err.msg);
  for (size_t i = 0; rc == UD_OK && i < n && !l->error[0]; i++) {
    if (calls[i].target != callee.entry)
      continue;
    const uint8_t *code = ud_image_at(img, calls[i].pc, 5);
    int32_t rel = 0;
    if (code != NULL)
      memcpy(&rel, code + 1, 4);
    if (calls[i].length != 5 || code == NULL || code[0] != 0xE8 ||
        calls[i].pc + 5 + (int64_t)rel != callee.entry)
      snprintf(l->error, sizeof l->error, "the call to %s at %#llx in %s is not a CALL rel32",
               l->callee, (unsigned long long)calls[i].pc, l->caller);
    else if (l->n == UD_SITES_MAX)
      snprintf(l->error, sizeof l->error, "more than %d calls to %s in %s", UD_SITES_MAX, l->callee,
               l->caller);
    else
      l->call[l->n++] = calls[i].pc;
  }
  if (calls != buf)
    free(calls);
  if (!l->error[0] && l->n == 0)
    snprintf(l->error, sizeof l->error, "no call to %s found in %s", l->callee, l->caller);
  if (!l->error[0] && want_one && l->n != 1)
    snprintf(l->error, sizeof l->error, "%zu calls to %s in %s, expected one", l->n, l->callee,
             l->caller);
  return l->error[0] == 0;
}

/* runtime.exit: several functions may carry the name (the ABI0 body and a
 * wrapper); the one that starts with the exit_group prologue is patched. */
static void find_exit(const ud_image *img, const ud_pclntab *tab, ud_sites *out) {
  ud_func fs[UD_PCLNTAB_PER_NAME];
  size_t nf = ud_pclntab_funcs_by_name(tab, "runtime.exit", fs, UD_PCLNTAB_PER_NAME);
  for (size_t i = 0; i < nf; i++) {
    ud_func f = fs[i];
    const uint8_t *code = ud_image_at(img, f.entry, UD_EXIT_PROLOGUE_LEN);
    if (f.end - f.entry >= UD_EXIT_PROLOGUE_LEN && code != NULL &&
        memcmp(code, UD_EXIT_PROLOGUE, UD_EXIT_PROLOGUE_LEN) == 0) {
      out->exit_entry = f.entry;
      return;
    }
  }
  snprintf(out->exit_error, sizeof out->exit_error,
           "no runtime.exit starting with the exit_group system call");
}

/* runtime.asmcgocall's resume rule (x86.h). */
static void find_resume(const ud_image *img, const ud_pclntab *tab, ud_sites *out) {
  ud_func fs[UD_PCLNTAB_PER_NAME];
  size_t nf = ud_pclntab_funcs_by_name(tab, "runtime.asmcgocall", fs, UD_PCLNTAB_PER_NAME);
  for (size_t i = 0; i < nf; i++) {
    const uint8_t *code = fs[i].end > fs[i].entry ? ud_image_at(img, fs[i].entry, fs[i].end - fs[i].entry) : NULL;
    if (code != NULL && ud_x86_resume_rule(code, fs[i].end - fs[i].entry, fs[i].entry, &out->resume))
      return;
  }
  snprintf(out->resume_error, sizeof out->resume_error,
           nf ? "runtime.asmcgocall does not restore SP the way the check knows"
              : "no runtime.asmcgocall");
}

/* Adds the call at pc to list[*n], checked to be a CALL rel32. */
static bool add_stack_site(const ud_image *img, const ud_call_site *c, const char *callee,
                           const char *caller, uint64_t *list, size_t *n, ud_stack_sites *out) {
  const uint8_t *code = ud_image_at(img, c->pc, 5);
  if (c->length != 5 || code == NULL || code[0] != 0xE8) {
    snprintf(out->error, sizeof out->error, "the call to %s at %#llx in %s is not a CALL rel32",
             callee, (unsigned long long)c->pc, caller);
    return false;
  }
  if (*n == UD_STACK_SITES_MAX) {
    snprintf(out->error, sizeof out->error, "more than %d calls to %s in the runtime",
             UD_STACK_SITES_MAX, callee);
    return false;
  }
  list[(*n)++] = c->pc;
  return true;
}

bool ud_sites_find_stacks(const ud_image *img, const ud_pclntab *tab, ud_stack_sites *out) {
  memset(out, 0, sizeof *out);
  ud_func fa, ff;
  if (!ud_pclntab_func_by_name(tab, "runtime.stackalloc", &fa) ||
      !ud_pclntab_func_by_name(tab, "runtime.stackfree", &ff)) {
    snprintf(out->error, sizeof out->error, "runtime.stackalloc or runtime.stackfree is not in the function table");
    return false;
  }
  out->alloc_entry = fa.entry;
  out->free_entry = ff.entry;
  /* A sanitizer build registers each stack with the sanitizer inside
   * stackalloc and stackfree; a stack the shim serves would skip that.
   * Those calls are looked for in stackalloc's own, below: racemalloc is
   * inlined there, leaving its call of racecall (the race runtime's
   * entry); msanmalloc and asanunpoison are called. */
  enum { NHOOKS = 4 };
  static const char *const sanitizer_hooks[NHOOKS] = {"runtime.racemalloc", "runtime.racecall",
                                                      "runtime.msanmalloc", "runtime.asanunpoison"};
  uint64_t hook_entry[NHOOKS] = {0};
  for (size_t h = 0; h < NHOOKS; h++) {
    ud_func sf;
    if (ud_pclntab_func_by_name(tab, sanitizer_hooks[h], &sf))
      hook_entry[h] = sf.entry;
  }
  ud_call_site buf[512], *calls;
  size_t nfunc = ud_pclntab_nfuncs(tab);
  for (size_t i = 0; i < nfunc && !out->error[0]; i++) {
    ud_func f;
    if (!ud_pclntab_func_at(tab, i, &f) || strncmp(ud_func_name(&f), "runtime.", 8) != 0 ||
        f.end <= f.entry)
      continue;
    size_t n = 0;
    ud_err err = {0};
    if (ud_x86_calls_any(img, f.entry, f.end, buf, sizeof buf / sizeof buf[0], &calls, &n, &err) !=
        UD_OK) {
      snprintf(out->error, sizeof out->error, "cannot decode %.80s: %.90s", ud_func_name(&f), err.msg);
      break;
    }
    for (size_t k = 0; k < n && !out->error[0]; k++) {
      for (size_t h = 0; h < NHOOKS && f.entry == fa.entry; h++)
        if (hook_entry[h] != 0 && calls[k].target == hook_entry[h])
          snprintf(out->error, sizeof out->error,
                   "runtime.stackalloc calls %s (a -race, -msan or -asan build)", sanitizer_hooks[h]);
      if (out->error[0])
        break;
      if (calls[k].target == fa.entry)
        add_stack_site(img, &calls[k], "runtime.stackalloc", ud_func_name(&f), out->alloc, &out->nalloc, out);
      else if (calls[k].target == ff.entry)
        add_stack_site(img, &calls[k], "runtime.stackfree", ud_func_name(&f), out->free, &out->nfree, out);
    }
    if (calls != buf)
      free(calls);
  }
  if (!out->error[0] && (out->nalloc == 0 || out->nfree == 0))
    snprintf(out->error, sizeof out->error, "no call to runtime.%s found in the runtime",
             out->nalloc == 0 ? "stackalloc" : "stackfree");
  return out->error[0] == 0;
}

bool ud_sites_find(const ud_image *img, const ud_pclntab *tab, ud_sites *out, ud_err *err) {
  memset(out, 0, sizeof *out);
  out->growth = (ud_call_list){.caller = "runtime.newstack", .callee = "runtime.copystack"};
  out->shrink = (ud_call_list){.caller = "runtime.shrinkstack", .callee = "runtime.copystack"};
  out->cb_run = (ud_call_list){.caller = "runtime.cgocallbackg", .callee = "runtime.cgocallbackg1"};
  out->cb_return = (ud_call_list){.caller = "runtime.cgocallbackg", .callee = "runtime.reentersyscall"};
  ud_call_list *lists[] = {&out->growth, &out->shrink, &out->cb_run, &out->cb_return};
  const char *first = NULL;
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if (!find_calls(img, tab, lists[i], i >= 2) && first == NULL)
      first = lists[i]->error;
  out->left_free = (ud_call_list){.caller = "runtime.copystack", .callee = "runtime.stackfree"};
  find_calls(img, tab, &out->left_free, true); /* optional: its error says why not */
  out->cb_enter = (ud_call_list){.caller = "runtime.cgocallbackg", .callee = "runtime.exitsyscall"};
  find_calls(img, tab, &out->cb_enter, true); /* optional too */
  find_exit(img, tab, out);
  find_resume(img, tab, out);
  if (first != NULL)
    return ud_fail(err, UD_E_NOT_FOUND, "%s", first), false;
  return true;
}
