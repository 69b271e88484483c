/* report_out: where a report goes. log_path names the place (options.inc:
 * "stderr", "stdout", or a prefix for PATH.PID); when the report cannot be
 * written there, it goes to stderr after one line saying why. A report is
 * never lost to a full disk, a read-only file or a FIFO without a reader. */
#ifndef UNDEAD_REPORT_OUT_H
#define UNDEAD_REPORT_OUT_H

#include "options.h"
#include "report.h"

/* Renders r in format f to the place log_path names. Uses one static
 * buffer: callers hold report_emit's lock. */
void ud_report_write(const ud_report *r, enum ud_format f, const char *log_path);

/* Appends text[0..len) (a record already rendered, such as the counts at
 * exit) to the same place, with the same fallback; no lock needed (it
 * writes straight from text). */
void ud_record_write(const char *text, size_t len, const char *log_path);

#endif
