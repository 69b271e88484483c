/* Errors of the introspection core.
 *
 * Every fallible function of the core takes a caller-owned `ud_err` and, on
 * failure, leaves in it a status and one line of text that a user can read
 * (no trailing newline). The core never prints and never exits. */
#ifndef UNDEAD_UD_ERROR_H
#define UNDEAD_UD_ERROR_H

#include <stddef.h>

enum ud_status {
  UD_OK = 0,
  UD_E_IO,          /* cannot open / read / map the file */
  UD_E_NOT_ELF,     /* not an ELF file, or not x86-64 */
  UD_E_NOT_GO,      /* ELF, but no Go function table */
  UD_E_CORRUPT,     /* truncated or inconsistent data */
  UD_E_UNSUPPORTED, /* a Go version or format this build does not know */
  UD_E_NOT_FOUND,   /* a symbol, function, field or section is absent */
  UD_E_NOMEM,
};

typedef struct ud_err {
  enum ud_status status;
  char msg[256];
} ud_err;

/* Sets err (if non-NULL) and returns `status`. printf-style. */
int ud_fail(ud_err *err, enum ud_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *ud_status_name(enum ud_status status);

#endif
