/* options: UNDEAD and UNDEAD_OPTIONS, in the sanitizers' style.
 *
 *   UNDEAD=0                        the shim does nothing at all
 *   UNDEAD_OPTIONS=key=value:key=value
 *
 * The keys, their types, defaults and documentation are the rows of
 * options.inc; the struct, the parser, the defaults and help=1 are made
 * from them. Parsing never allocates and never uses stdio: a bad option is
 * described in `why` and the caller turns the shim off. */
#ifndef UNDEAD_OPTIONS_H
#define UNDEAD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* The report formats: X(enumerator, the value of format=). */
#define UD_FOR_EACH_FORMAT(X)                                                                      \
  X(UD_FORMAT_TEXT, "text")                                                                        \
  X(UD_FORMAT_JSON, "json")                                                                        \
  X(UD_FORMAT_SARIF, "sarif")

#define UD_FORMAT_ENUM(id, name) id,
enum ud_format { UD_FOR_EACH_FORMAT(UD_FORMAT_ENUM) UD_FORMAT_COUNT };
#undef UD_FORMAT_ENUM

/* The C type of each option type of options.inc. */
typedef bool ud_opt_bool;
typedef int ud_opt_int;
typedef enum ud_format ud_opt_format;
typedef char ud_opt_path[256]; /* "stderr", "stdout", or a prefix of PATH.PID */

typedef struct ud_options {
#define UD_OPTION(type, name, def, lo, hi, arg, help) ud_opt_##type name;
#include "options.inc"
#undef UD_OPTION
} ud_options;

/* The key of option `name` as UNDEAD_OPTIONS spells it, for code that
 * writes options (undead run): it does not compile when options.inc has no
 * such row. */
#define UD_OPTION_KEY(name) (sizeof(((ud_options *)0)->name) ? #name : #name)

/* Sets every option to its default. */
void ud_options_default(ud_options *o);

/* Parses `spec` (may be NULL or empty) over the values already in *o.
 * Returns false and fills why (one line, no newline) on an unknown key or a
 * bad value; *o may then be partly changed. */
bool ud_options_parse(const char *spec, ud_options *o, char *why, size_t cap);

/* The option table, for help=1. Written with write(2). */
void ud_options_print_help(int fd);

/* One row of options.inc as documented: arg is never NULL (the values of
 * the type when the row leaves it out). */
typedef struct ud_option_doc {
  const char *name, *arg, *def, *help;
} ud_option_doc;

size_t ud_options_count(void);
ud_option_doc ud_options_doc(size_t i);

/* Format names: the name of f ("?" if out of range); the format named by
 * s[0..n), false if none; all names joined by sep into buf. */
const char *ud_format_name(enum ud_format f);
bool ud_format_parse(const char *s, size_t n, enum ud_format *out);
void ud_format_list(char *buf, size_t cap, const char *sep);

#endif
