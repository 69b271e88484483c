/* json_write: JSON strings for --json outputs. */
#include "json_write.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

void json_write_str(FILE *out, const char *s) {
  if (s == NULL) {
    fputs("null", out);
    return;
  }
  /* Rendered by the report library's escaper into memory first: at most 6
   * bytes per input byte (\u00XX), 2 quotes and the NUL. */
  size_t cap = 6 * strlen(s) + 3;
  char small[512], *buf = cap <= sizeof small ? small : malloc(cap);
  if (buf == NULL) {
    fprintf(stderr, "undead: out of memory\n");
    exit(2);
  }
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  ud_out_json_str(&o, s);
  fputs(buf, out);
  if (buf != small)
    free(buf);
}

void json_write_slot(FILE *out, const ud_live_slot *sl, int32_t fp_off, const char *name) {
  fprintf(out, "{\"kind\":\"%s\",\"sp_offset\":%d,\"fp_offset\":%d,\"name\":",
          sl->kind == UD_SLOT_ARG ? "arg" : "local", sl->sp_off, sl->sp_off - fp_off);
  json_write_str(out, name);
  fputc('}', out);
}
