/* libFuzzer target for the UNDEAD_OPTIONS parser (shim/start/options.c).
 *
 * The input is the environment variable's value (cut at its first NUL, as
 * an environment string is). Findings: memory errors, and any broken
 * promise of the parser: a refusal comes with one line that starts
 * "UNDEAD_OPTIONS: " and fits its buffer; an acceptance leaves every field
 * in its documented range; the same input always gives the same answer. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static bool run(const char *spec, ud_options *o, char *why, size_t cap) {
  ud_options_default(o);
  memset(why, 0x5a, cap);
  return ud_options_parse(spec, o, why, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *spec = malloc(size + 1);
  if (spec == NULL)
    return 0;
  memcpy(spec, data, size);
  spec[size] = '\0';

  ud_options a, b;
  char why_a[160], why_b[160];
  bool ok = run(spec, &a, why_a, sizeof why_a);
  if (ok) {
    assert(a.halt_on_error <= 1 && a.abort_on_error <= 1 && a.check_relocations <= 1);
    assert(a.help <= 1);
    assert(a.exitcode >= 0 && a.exitcode <= 255);
    assert(a.verbosity >= 0 && a.verbosity <= 2);
    assert((unsigned)a.format < UD_FORMAT_COUNT);
    size_t n = strnlen(a.log_path, sizeof a.log_path);
    assert(n > 0 && n < sizeof a.log_path - 16);
  } else {
    assert(memchr(why_a, '\0', sizeof why_a) != NULL);
    assert(strncmp(why_a, "UNDEAD_OPTIONS: ", 16) == 0);
    assert(strchr(why_a, '\n') == NULL && strchr(why_a, '\r') == NULL);
  }
  /* deterministic, and a tiny buffer is never overrun */
  bool again = run(spec, &b, why_b, sizeof why_b);
  assert(again == ok);
  assert(!ok || memcmp(&a, &b, sizeof a) == 0);
  assert(ok || strcmp(why_a, why_b) == 0);
  char tiny[4] = {1, 1, 1, 1};
  ud_options c;
  ud_options_default(&c);
  bool small = ud_options_parse(spec, &c, tiny, 3);
  assert(small == ok && tiny[3] == 1);
  free(spec);
  return 0;
}
