/* options: UNDEAD and UNDEAD_OPTIONS, in the sanitizers' style.
 *
 *   UNDEAD=0                        the shim does nothing at all
 *   UNDEAD_OPTIONS=key=value:key=value
 *
 * Parsing never allocates and never prints: a bad option is described in
 * `why` and the caller turns the shim off. */
#ifndef UNDEAD_OPTIONS_H
#define UNDEAD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum ud_format { UD_FORMAT_TEXT = 0, UD_FORMAT_JSON, UD_FORMAT_SARIF };

typedef struct ud_options {
  char log_path[256];   /* "" or "stderr": stderr; "stdout"; else log_path.PID */
  bool halt_on_error;   /* 1: stop at the first report */
  bool abort_on_error;  /* 1: abort() after the report, else _exit(exitcode) */
  int exitcode;
  int verbosity;        /* 0 quiet, 1 one line at start, 2 details */
  bool help;
  enum ud_format format;
  bool check_relocations; /* 1: check at every stack move; 0: at callback return only */
  bool move_on_callback;  /* 1: move the stack at the start of every callback */
} ud_options;

void ud_options_default(ud_options *o);

/* Parses `spec` (may be NULL or empty) over the defaults already in *o.
 * Returns false and fills why (one line, no newline) on an unknown key or a
 * bad value. */
bool ud_options_parse(const char *spec, ud_options *o, char *why, size_t cap);

/* The option table, for help=1. Written with write(2). */
void ud_options_print_help(int fd);

#endif
