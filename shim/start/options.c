/* options: the UNDEAD_OPTIONS parser, made from the rows of options.inc.
 * Runs in the constructor, before the target's own code: no allocation, no
 * stdio; messages go through the report formatter into the caller's
 * buffer. */
#include "options.h"

#include <string.h>

#include "report.h"

static bool eq(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Decimal, at most 9 digits (no sign, no overflow), within [lo, hi]. */
static bool decimal(const char *s, size_t n, long lo, long hi, long *out) {
  long v = 0;
  if (n == 0 || n > 9)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  if (v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

/* A user's text in a message: quoted, at most 64 bytes, control bytes as
 * '?', so that the message stays one line whatever the environment held. */
static void quoted(ud_out *w, const char *v, size_t n) {
  ud_out_mem(w, "'", 1);
  for (size_t i = 0; i < n && i < 64; i++) {
    char c = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
    ud_out_mem(w, &c, 1);
  }
  ud_out_str(w, n > 64 ? "...'" : "'");
}

/* One parser per option type: (key, value, its length, range, field, why). */
static bool parse_bool(const char *key, const char *v, size_t n, long lo, long hi, ud_opt_bool *out,
                       ud_out *why) {
  long x;
  if (!decimal(v, n, lo, hi, &x)) {
    ud_out_fmt(why, "UNDEAD_OPTIONS: %s must be 0 or 1, not ", key);
    quoted(why, v, n);
    return false;
  }
  *out = x != 0;
  return true;
}

static bool parse_int(const char *key, const char *v, size_t n, long lo, long hi, ud_opt_int *out,
                      ud_out *why) {
  long x;
  if (!decimal(v, n, lo, hi, &x)) {
    ud_out_fmt(why, "UNDEAD_OPTIONS: %s must be an integer from %ld to %ld, not ", key, lo, hi);
    quoted(why, v, n);
    return false;
  }
  *out = (int)x;
  return true;
}

/* Room is kept for ".PID" and the NUL: the file is PATH.PID. */
enum { PATH_ROOM = sizeof(ud_opt_path) - 17 };

static bool parse_path(const char *key, const char *v, size_t n, long lo, long hi,
                       ud_opt_path *out, ud_out *why) {
  (void)lo, (void)hi;
  if (n == 0 || n > PATH_ROOM) {
    ud_out_fmt(why, "UNDEAD_OPTIONS: %s must be 1 to %d characters", key, (int)PATH_ROOM);
    return false;
  }
  memcpy(*out, v, n);
  (*out)[n] = '\0';
  return true;
}

static bool parse_format(const char *key, const char *v, size_t n, long lo, long hi,
                         ud_opt_format *out, ud_out *why) {
  (void)lo, (void)hi;
  if (ud_format_parse(v, n, out))
    return true;
  char names[64];
  ud_format_list(names, sizeof names, ", ");
  ud_out_fmt(why, "UNDEAD_OPTIONS: %s must be one of %s, not ", key, names);
  quoted(why, v, n);
  return false;
}

/* One option: key[0..klen) = val[0..vlen). */
static bool set_option(ud_options *o, const char *key, size_t klen, const char *val, size_t vlen,
                       ud_out *why) {
#define UD_OPTION(type, name, def, lo, hi, arg, help)                                              \
  if (eq(key, klen, #name))                                                                        \
    return parse_##type(#name, val, vlen, lo, hi, &o->name, why);
#include "options.inc"
#undef UD_OPTION
  ud_out_str(why, "UNDEAD_OPTIONS: unknown option ");
  quoted(why, key, klen);
  ud_out_str(why, " (help=1 lists them)");
  return false;
}

void ud_options_default(ud_options *o) {
  memset(o, 0, sizeof *o);
  char why[160];
  ud_out w;
  ud_out_init_mem(&w, why, sizeof why);
  /* The defaults are valid by construction; unit/options checks it. */
#define UD_OPTION(type, name, def, lo, hi, arg, help)                                              \
  (void)parse_##type(#name, def, sizeof def - 1, lo, hi, &o->name, &w);
#include "options.inc"
#undef UD_OPTION
}

bool ud_options_parse(const char *spec, ud_options *o, char *why, size_t cap) {
  ud_out w;
  ud_out_init_mem(&w, why, cap);
  if (spec == NULL)
    return true;
  for (const char *p = spec; *p != '\0';) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > 0) {
      const char *eqs = memchr(p, '=', len);
      if (eqs == NULL) {
        ud_out_str(&w, "UNDEAD_OPTIONS: ");
        quoted(&w, p, len);
        ud_out_str(&w, " is not key=value");
        return false;
      }
      size_t klen = (size_t)(eqs - p);
      if (!set_option(o, p, klen, eqs + 1, len - klen - 1, &w))
        return false;
    }
    if (end == NULL)
      break;
    p = end + 1;
  }
  return true;
}

/* ---- the table as documentation ---------------------------------------- */

static const ud_option_doc rows[] = {
#define UD_OPTION(type, name, def, lo, hi, arg, help) {#name, arg, def, help},
#include "options.inc"
#undef UD_OPTION
};
enum { NROWS = sizeof rows / sizeof rows[0] };

/* The values a type takes, for rows that do not spell them out. */
static const char *const row_types[] = {
#define UD_OPTION(type, name, def, lo, hi, arg, help) #type,
#include "options.inc"
#undef UD_OPTION
};

static const char *const format_names[] = {
#define UD_FORMAT_NAME(id, name) name,
    UD_FOR_EACH_FORMAT(UD_FORMAT_NAME)
#undef UD_FORMAT_NAME
};

const char *ud_format_name(enum ud_format f) {
  return (unsigned)f < UD_FORMAT_COUNT ? format_names[f] : "?";
}

bool ud_format_parse(const char *s, size_t n, enum ud_format *out) {
  for (unsigned i = 0; i < UD_FORMAT_COUNT; i++)
    if (eq(s, n, format_names[i])) {
      *out = (enum ud_format)i;
      return true;
    }
  return false;
}

void ud_format_list(char *buf, size_t cap, const char *sep) {
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  for (unsigned i = 0; i < UD_FORMAT_COUNT; i++)
    ud_out_fmt(&o, "%s%s", i ? sep : "", format_names[i]);
}

size_t ud_options_count(void) { return NROWS; }

ud_option_doc ud_options_doc(size_t i) {
  static char format_arg[64];
  ud_option_doc d = i < NROWS ? rows[i] : (ud_option_doc){"?", "?", "?", "?"};
  if (i < NROWS && d.arg == NULL) {
    if (strcmp(row_types[i], "format") == 0) {
      ud_format_list(format_arg, sizeof format_arg, "|");
      d.arg = format_arg;
    } else {
      d.arg = "0|1"; /* bool: the only other type without an ARG */
    }
  }
  return d;
}

void ud_options_print_help(int fd) {
  char buf[1024], plain[512];
  ud_out o;
  ud_out_init_fd(&o, fd, buf, sizeof buf);
  ud_out_str(&o, "undead: UNDEAD_OPTIONS=key=value:key=value; UNDEAD=0 turns the shim off\n");
  for (size_t i = 0; i < NROWS; i++) {
    ud_option_doc d = ud_options_doc(i);
    ud_out_fmt(&o, "  %s=%s (default %s)\n", d.name, d.arg, d.def);
    /* Markdown's code marks mean nothing on a terminal */
    ud_out m;
    ud_out_init_mem(&m, plain, sizeof plain);
    for (const char *s = d.help; *s; s++)
      if (*s != '`')
        ud_out_mem(&m, s, 1);
    ud_out_wrap(&o, plain, 6, 80);
  }
  ud_out_flush(&o);
}
