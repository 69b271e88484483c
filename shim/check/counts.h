/* counts: what the shim checked, so that a clean run can say so ("1,204
 * callbacks and 311 relocations checked") and a run that exercised
 * nothing can be told from one that found nothing. The counters are the
 * report library's (counts_record.h).
 *
 * Each thread counts in a block of its own (no shared cache line on the
 * callback path), claimed on its first count from a static array with an
 * atomic index, or from a lock-free list of the blocks of threads that
 * ended (their counts stay in them); nothing is allocated and no lock is
 * taken, so counting never fails or blocks. When every block is taken, a
 * thread counts in one shared overflow block, with atomic adds. The blocks
 * are summed at exit. Go leaves through exit_group without running C destructors, so the
 * sum is written from the runtime.exit hook (and from a destructor in
 * programs that do end through libc, such as C hosts of Go libraries), and
 * with a report that ends the program. */
#ifndef UNDEAD_COUNTS_H
#define UNDEAD_COUNTS_H

#include <stdint.h>

#include "counts_record.h"
#include "options.h"

/* At start-up: the thread-exit key that hands a block on (used only if
 * it is a low key number, whose value glibc keeps without allocating). */
void ud_counts_init(void);

/* This thread's block (claimed on first use; NULL when every block is
 * taken: then UD_COUNT adds to ud_counts_overflow, atomically). */
ud_counts *ud_counts_mine_slow(void);
extern __thread ud_counts *ud_counts_tls __attribute__((tls_model("initial-exec")));
extern ud_counts ud_counts_overflow;
static inline ud_counts *ud_counts_mine(void) {
  ud_counts *c = ud_counts_tls;
  return c != NULL ? c : ud_counts_mine_slow();
}
#define UD_COUNT(member, n)                 \
  do {                                      \
    ud_counts *c_ = ud_counts_mine();       \
    if (c_ != NULL)                         \
      c_->member += (n);                    \
    else                                    \
      __atomic_fetch_add(&ud_counts_overflow.member, (n), __ATOMIC_RELAXED); \
  } while (0)

/* The sum over every thread so far. */
void ud_counts_sum(ud_counts *out);

/* Writes the sum where the options say, once per process: verbosity=1,
 * one line on stderr; log_path set (format json or text), a final record
 * in the log, beside the reports (report_out.h: never lost to a bad log
 * file). A SARIF log holds one document: no record there. */
void ud_counts_write_final(const ud_options *opt, const char *binary, const char *go_version);

#endif
