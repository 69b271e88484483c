/* json_read: undead-report/1 JSON (docs/report-schema.md) back into the
 * report model.
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

#endif
