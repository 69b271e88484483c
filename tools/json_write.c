/* json_write: JSON strings for --json outputs. */
#include "json_write.h"

void json_write_str(FILE *out, const char *s) {
  if (s == NULL) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(out, "\\u%04x", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

void json_write_slot(FILE *out, const ud_live_slot *sl, int32_t fp_off, const char *name) {
  fprintf(out, "{\"kind\":\"%s\",\"sp_offset\":%d,\"fp_offset\":%d,\"name\":",
          sl->kind == UD_SLOT_ARG ? "arg" : "local", sl->sp_off, sl->sp_off - fp_off);
  json_write_str(out, name);
  fputc('}', out);
}
