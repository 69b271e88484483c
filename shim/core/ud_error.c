#include "ud_error.h"

#include <stdarg.h>
#include <stdio.h>

int ud_fail(ud_err *err, enum ud_status status, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->status = status;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return status;
}

const char *ud_status_name(enum ud_status status) {
  switch (status) {
  case UD_OK: return "ok";
  case UD_E_IO: return "io";
  case UD_E_NOT_ELF: return "not-elf";
  case UD_E_NOT_GO: return "not-go";
  case UD_E_CORRUPT: return "corrupt";
  case UD_E_UNSUPPORTED: return "unsupported";
  case UD_E_NOT_FOUND: return "not-found";
  case UD_E_NOMEM: return "nomem";
  }
  return "unknown";
}
