/* bench_core: how fast the introspection core opens a Go binary and answers
 * stack-map queries, and how much memory that takes.
 *
 *   bench_core BINARY [ROUNDS]
 *
 * Opens and indexes BINARY (image + function table), ROUNDS times, reporting
 * the fastest and median; then asks for the live pointer slots of every
 * function at its entry and at the return address of each of its calls,
 * timing the call-site decoding (x86) and the stack-map queries apart.
 * Resident memory (VmRSS) is printed before, after opening, after querying
 * 1% of the functions, and after all of them: the file is mapped, not read,
 * so memory grows with what is queried. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image.h"
#include "pclntab.h"
#include "stackmap.h"
#include "x86.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6))
      kb = strtol(line + 6, NULL, 10);
  if (f)
    fclose(f);
  return kb;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_core BINARY [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  if (rounds < 1)
    rounds = 1;
  long rss0 = rss_kb();
  double *open_ms = calloc(rounds, sizeof *open_ms);
  ud_err err = {0};
  ud_image *img = NULL;
  ud_pclntab *tab = NULL;
  long rss_open = 0;
  for (int r = 0; r < rounds; r++) {
    if (tab) {
      ud_pclntab_close(tab);
      ud_image_close(img);
    }
    double t0 = now_ms();
    img = ud_image_open(argv[1], &err);
    tab = img ? ud_pclntab_open(img, &err) : NULL;
    open_ms[r] = now_ms() - t0;
    if (!tab) {
      fprintf(stderr, "bench_core: %s\n", err.msg);
      return 2;
    }
    if (r == 0)
      rss_open = rss_kb();
  }
  qsort(open_ms, rounds, sizeof *open_ms, cmp_double);

  size_t nf = ud_pclntab_nfuncs(tab), cap = 1 << 14, nq = 0, nslots = 0, nerr = 0, ncalls = 0;
  ud_call_site *calls = malloc(cap * sizeof *calls);
  static ud_live_slot slots[1 << 14];
  double x86_ms = 0, q_ms = 0;
  long rss_1pct = 0;
  for (size_t i = 0; i < nf; i++) {
    ud_func f;
    if (!ud_pclntab_func_at(tab, i, &f))
      continue;
    double t0 = now_ms();
    size_t n = 0;
    if (ud_x86_calls(img, f.entry, f.end, calls, cap, &n, &err) != UD_OK || n > cap)
      n = 0;
    double t1 = now_ms();
    x86_ms += t1 - t0;
    ncalls += n;
    size_t got;
    for (size_t k = 0; k <= n; k++) {
      uint64_t pc = k == 0 ? f.entry : calls[k - 1].ret;
      if (pc >= f.end)
        continue;
      if (ud_stackmap_live_at(&f, pc, NULL, slots, 1 << 14, &got, &err) == UD_OK)
        nslots += got;
      else
        nerr++;
      nq++;
    }
    q_ms += now_ms() - t1;
    if (i == nf / 100)
      rss_1pct = rss_kb();
  }
  long rss_all = rss_kb();
  printf("binary        %s (%s, %zu functions)\n", argv[1],
         ud_image_go_version(img) ? ud_image_go_version(img) : "?", nf);
  printf("open+index    min %.2f ms, median %.2f ms over %d rounds (target < 50 ms)\n", open_ms[0],
         open_ms[rounds / 2], rounds);
  printf("call sites    %zu found in %.1f ms (x86 decoding)\n", ncalls, x86_ms);
  printf("queries       %zu stack-map queries in %.1f ms (%.0f ns each), %zu live slots, "
         "%zu where the runtime would throw\n",
         nq, q_ms, nq ? q_ms * 1e6 / nq : 0.0, nslots, nerr);
  printf("rss           %ld kB before, %ld after open, %ld after 1%% of functions, %ld after all\n",
         rss0, rss_open, rss_1pct, rss_all);
  free(calls);
  free(open_ms);
  ud_pclntab_close(tab);
  ud_image_close(img);
  return 0;
}
