/* check: the unit tests' assertion. A failed CHECK prints where and what,
 * and counts in `failures`; main returns check_status(), nonzero when any
 * check failed, so that any failure fails the test. */
#ifndef UNDEAD_TEST_CHECK_H
#define UNDEAD_TEST_CHECK_H

#include <stdio.h>

static int failures;
#define CHECK(c)                                                             \
  do {                                                                       \
    if (!(c)) {                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
      failures++;                                                            \
    }                                                                        \
  } while (0)

static inline int check_status(void) {
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}

#endif
