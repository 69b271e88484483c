/* report_out: where a report goes. log_path names the place (options.inc:
 * "stderr", "stdout", or a prefix for PATH.PID); when the report cannot be
 * written there, it goes to stderr after one line saying why. A report is
 * never lost to a full disk, a read-only file or a FIFO without a reader,
 * and never written through another user's link (see open_log). */
#ifndef UNDEAD_REPORT_OUT_H
#define UNDEAD_REPORT_OUT_H

#include "options.h"
#include "report.h"

/* What log_path names: stderr (also when empty), stdout, or a file prefix
 * (PATH.PID). The one reading of it: the writers here, the counts at exit
 * and the secure-execution rule (shim.c) ask it. */
enum ud_log_kind { UD_LOG_STDERR, UD_LOG_STDOUT, UD_LOG_FILE };
enum ud_log_kind ud_log_kind(const char *log_path);

/* Renders r in format f to the place log_path names. Uses one static
 * buffer: callers hold report_emit's lock. When the report went to a log
 * file, stderr gets its SUMMARY: line and the file's name (one line each),
 * so that a test log shows what happened and where to look. */
void ud_report_write(const ud_report *r, enum ud_format f, const char *log_path);

/* Appends text[0..len) (a record already rendered, such as the counts at
 * exit) to the same place, with the same fallback; no lock needed (it
 * writes straight from text). */
void ud_record_write(const char *text, size_t len, const char *log_path);

#endif
