/* json_write: the JSON string writer the subcommands' --json outputs share. */
#ifndef UNDEAD_JSON_WRITE_H
#define UNDEAD_JSON_WRITE_H

#include <stdint.h>
#include <stdio.h>

#include "stackmap.h"

/* Writes s as a JSON string (null for NULL), escaped as reports are
 * (ud_out_json_str): invalid UTF-8 becomes U+FFFD, so the output is always
 * valid JSON. */
void json_write_str(FILE *out, const char *s);

/* Writes a live pointer slot as {"kind","sp_offset","fp_offset","name"};
 * fp_off is the frame's FP offset from SP, name may be NULL. */
void json_write_slot(FILE *out, const ud_live_slot *sl, int32_t fp_off, const char *name);

#endif
