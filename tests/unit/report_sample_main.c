/* report_sample FORMAT [VARIANT...]: prints sample reports (text, json,
 * sarif), for the tests that validate renderings against their schemas.
 * report_sample vocab: the report's vocabularies (vocab.h), one word a
 * line, "TABLE<tab>NAME", and the counters of the counts record
 * (counts_record.h) as "counter<tab>NAME", for the test that holds the
 * schemas to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts_record.h"
#include "report.h"
#include "report_sample.h"

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (strcmp(argv[1], "vocab") == 0) {
    for (int v = 0; v < UD_VOCAB_COUNT; v++)
      for (int i = 0; i < ud_vocab_size((ud_vocab)v); i++)
        printf("%s\t%s\n", ud_vocab_title((ud_vocab)v), ud_vocab_name((ud_vocab)v, i));
#define COUNTER(m, help) printf("counter\t%s\n", #m);
    UD_COUNTERS(COUNTER)
#undef COUNTER
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
  }
  static ud_report reps[8];
  const ud_report *ptrs[8];
  int n = 0;
  for (int i = 2; i < argc && n < 8; i++, n++) {
    ud_sample_report(&reps[n], atoi(argv[i]));
    ptrs[n] = &reps[n];
  }
  if (n == 0) {
    ud_sample_report(&reps[0], 0);
    ptrs[0] = &reps[0];
    n = 1;
  }
  char buf[4096];
  ud_out o;
  ud_out_init_fd(&o, 1, buf, sizeof buf);
  if (strcmp(argv[1], "sarif") == 0) {
    ud_report_render_sarif(ptrs, (size_t)n, &o);
  } else {
    for (int i = 0; i < n; i++) {
      if (strcmp(argv[1], "json") == 0)
        ud_report_render_json(ptrs[i], &o);
      else
        ud_report_render_text(ptrs[i], &o, strcmp(argv[1], "color") == 0);
    }
  }
  ud_out_flush(&o);
  return o.error ? 1 : 0;
}
