/* json_write: the JSON string writer the subcommands' --json outputs share. */
#ifndef UNDEAD_JSON_WRITE_H
#define UNDEAD_JSON_WRITE_H

#include <stdio.h>

/* Writes s as a JSON string (null for NULL). Bytes >= 0x80 pass through:
 * symbol and file names are UTF-8 already. */
void json_write_str(FILE *out, const char *s);

#endif
