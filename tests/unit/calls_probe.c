/* calls_probe BINARY: every CALL in every function of the Go function
 * table, as decoded by the core (ud_x86_calls over [entry, end)), one
 * "PC TARGET" a line in hex (TARGET 0 for an indirect call), for
 * tests/e2e/x86_calls.sh to compare against objdump. */
#include <stdio.h>
#include <stdlib.h>

#include "image.h"
#include "pclntab.h"
#include "x86.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: calls_probe BINARY\n");
    return 2;
  }
  ud_err err = {0};
  ud_image *img = ud_image_open(argv[1], &err);
  ud_pclntab *tab = img ? ud_pclntab_open(img, &err) : NULL;
  if (tab == NULL) {
    fprintf(stderr, "calls_probe: %s\n", err.msg);
    return 2;
  }
  size_t nf = ud_pclntab_nfuncs(tab), cap = 4096;
  ud_call_site *calls = malloc(cap * sizeof *calls);
  for (size_t i = 0; i < nf; i++) {
    ud_func f;
    size_t n;
    if (!ud_pclntab_func_at(tab, i, &f))
      continue;
    if (ud_x86_calls(img, f.entry, f.end, calls, cap, &n, &err) != UD_OK) {
      fprintf(stderr, "calls_probe: %s: %s\n", ud_func_name(&f), err.msg);
      return 1;
    }
    for (size_t k = 0; k < n && k < cap; k++)
      printf("%llx %llx\n", (unsigned long long)calls[k].pc, (unsigned long long)calls[k].target);
  }
  free(calls);
  ud_pclntab_close(tab);
  ud_image_close(img);
  return 0;
}
