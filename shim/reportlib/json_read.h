/* json_read: undead-report/1 JSON (docs/report-schema.md) back into the
 * report model, and undead-counts/1 into the counts record.
 *
 * A small strict JSON parser (RFC 8259: no comments, no trailing commas, no
 * leading zeros, valid UTF-8, nesting at most 32 deep) and a mapping that
 * requires every field the schema lists, with its type. Unknown keys are
 * ignored, so a reader of schema 1 accepts additions made within schema 1. */
#ifndef UNDEAD_JSON_READ_H
#define UNDEAD_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* Parses one report object from text[0..len) (surrounding whitespace
 * allowed, nothing else). Returns true and fills *r, or false with one
 * line in why (no newline) saying what and where (byte offset or field). */
bool ud_json_read_report(const char *text, size_t len, ud_report *r, char *why, size_t cap);

/* One line of a log: a report (undead-report/1) or the counts record the
 * shim writes at exit (undead-counts/1, counts_record.h; c may be NULL,
 * then such a record is refused); the other is untouched. UD_JSON_BAD
 * with why set for anything else. */
enum ud_json_record { UD_JSON_BAD, UD_JSON_REPORT, UD_JSON_COUNTS };
struct ud_counts_record;
enum ud_json_record ud_json_read_record(const char *text, size_t len, ud_report *r,
                                        struct ud_counts_record *c, char *why, size_t cap);

#endif
