/* oracle_view: undead's decoders' view of the stack maps of a binary, in
 * the line format of the Go helper in helper/ (the runtime's own view), so
 * the two can be compared line by line.
 *
 *   oracle_view pcs BINARY    every function entry and every call's return
 *                             address (the safe points a stack walk meets)
 *   oracle_view view BINARY   for each hex PC on stdin, one line
 *   oracle_view mutant BINARY the same with a planted decoder bug (the stack
 *                             map read at the return address instead of the
 *                             call), to show that the comparison catches one */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "pclntab.h"
#include "stackmap.h"
#include "x86.h"

static int list_pcs(const ud_pclntab *tab, const ud_image *img) {
  size_t cap = 4096;
  ud_call_site *calls = malloc(cap * sizeof *calls);
  for (size_t i = 0; i < ud_pclntab_nfuncs(tab); i++) {
    ud_func f;
    if (!ud_pclntab_func_at(tab, i, &f))
      continue;
    const char *name = ud_func_name(&f);
    /* Their arg maps live in the frame (argMapInternal): no static answer. */
    if (ud_func_args(&f) == UD_ARGS_SIZE_UNKNOWN &&
        (!strcmp(name, "reflect.makeFuncStub") || !strcmp(name, "reflect.methodValueCall")))
      continue;
    printf("%" PRIx64 "\n", f.entry);
    size_t n;
    ud_err err;
    if (ud_x86_calls(img, f.entry, f.end, calls, cap, &n, &err) != UD_OK)
      continue;
    if (n > cap) {
      cap = n;
      calls = realloc(calls, cap * sizeof *calls);
      ud_x86_calls(img, f.entry, f.end, calls, cap, &n, &err);
    }
    for (size_t k = 0; k < n; k++)
      if (calls[k].ret < f.end)
        printf("%" PRIx64 "\n", calls[k].ret);
  }
  free(calls);
  return 0;
}

static void bits(const ud_live_slot *s, size_t n, int kind, uint32_t nbit) {
  printf("%u:", nbit);
  uint8_t byte = 0;
  size_t k = 0;
  for (uint32_t b = 0; b < ((nbit + 7) & ~7u); b++) {
    while (k < n && (s[k].kind != kind || s[k].bit < b))
      k++;
    if (k < n && s[k].kind == kind && s[k].bit == b)
      byte |= 1u << (b & 7);
    if ((b & 7) == 7) {
      printf("%02x", byte);
      byte = 0;
    }
  }
}

static void view(const ud_pclntab *tab, uint64_t pc, bool mutant) {
  ud_func f;
  if (!ud_pclntab_find_func(tab, pc, &f)) {
    printf("%" PRIx64 " nofunc\n", pc);
    return;
  }
  printf("%" PRIx64 " %s entry=%" PRIx64, pc, ud_func_name(&f), f.entry);
  int32_t sp;
  if (!ud_func_spdelta(&f, pc, &sp)) {
    printf(" nosp\n");
    return;
  }
  const char *file = "?";
  int32_t line = 0;
  if (!ud_func_fileline(&f, pc == f.entry ? pc : pc - 1, &file, &line)) {
    file = "?";
    line = 0;
  }
  static ud_live_slot slots[1 << 16];
  static ud_stack_object objs[4096];
  size_t n, nobj;
  ud_frame_layout fr;
  ud_err err = {0};
  int rc = ud_stackmap_live_at(&f, pc + (mutant && pc + 1 < f.end), &fr, slots, 1 << 16, &n, &err);
  int32_t idx = -1;
  if (pc == f.entry || !ud_func_pcdata(&f, UD_PCDATA_StackMapIndex, pc - 1, &idx) || idx == -1)
    idx = 0;
  printf(" sp=%d idx=%d %s:%d", sp, idx, file, line);
  if (rc != UD_OK) {
    printf(" throw=%s\n", !strncmp(err.msg, "missing stackmap", 16) ? "missing"
                          : !strncmp(err.msg, "bad symbol table", 16) ? "bad" : err.msg);
    return;
  }
  printf(" L=");
  bits(slots, n, UD_SLOT_LOCAL, fr.nlocals);
  printf(" A=");
  bits(slots, n, UD_SLOT_ARG, fr.nargs);
  printf(" O=");
  if (ud_stackmap_objects(&f, pc, objs, 4096, &nobj, &err) == UD_OK)
    for (size_t i = 0; i < nobj && i < 4096; i++)
      printf("%s%d/%u/%u", i ? "," : "", objs[i].sp_off, objs[i].size, objs[i].ptrdata);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "pcs") && strcmp(argv[1], "view") && strcmp(argv[1], "mutant"))) {
    fprintf(stderr, "usage: oracle_view pcs|view|mutant BINARY\n");
    return 2;
  }
  ud_err err = {0};
  ud_image *img = ud_image_open(argv[2], &err);
  ud_pclntab *tab = img ? ud_pclntab_open(img, &err) : NULL;
  if (!tab) {
    fprintf(stderr, "oracle_view: %s\n", err.msg);
    return 2;
  }
  if (!strcmp(argv[1], "pcs"))
    return list_pcs(tab, img);
  char line[64];
  while (fgets(line, sizeof line, stdin))
    if (line[0] != '\n')
      view(tab, strtoull(line, NULL, 16), !strcmp(argv[1], "mutant"));
  ud_pclntab_close(tab);
  ud_image_close(img);
  return 0;
}
