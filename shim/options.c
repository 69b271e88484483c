/* options: the UNDEAD_OPTIONS parser. Runs in the constructor, before the
 * target's own code: no allocation, no stdio. */
#include "options.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void ud_options_default(ud_options *o) {
  memset(o, 0, sizeof *o);
  o->halt_on_error = true;
  o->abort_on_error = true;
  o->exitcode = 66;
  o->verbosity = 0;
  o->format = UD_FORMAT_TEXT;
  o->check_relocations = true;
}

static bool parse_int(const char *s, size_t n, long lo, long hi, long *out) {
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

static bool eq(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

bool ud_options_parse(const char *spec, ud_options *o, char *why, size_t cap) {
  if (spec == NULL)
    return true;
  const char *p = spec;
  while (*p != '\0') {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 0) {
      p += end ? 1 : 0;
      if (!end)
        break;
      continue;
    }
    const char *eqs = memchr(p, '=', len);
    if (eqs == NULL) {
      snprintf(why, cap, "UNDEAD_OPTIONS: '%.*s' is not key=value", (int)len, p);
      return false;
    }
    size_t klen = (size_t)(eqs - p);
    const char *val = eqs + 1;
    size_t vlen = len - klen - 1;
    long v;
    if (eq(p, klen, "log_path")) {
      if (vlen == 0 || vlen >= sizeof o->log_path - 16) {
        snprintf(why, cap, "UNDEAD_OPTIONS: log_path must be 1 to %zu characters",
                 sizeof o->log_path - 17);
        return false;
      }
      memcpy(o->log_path, val, vlen);
      o->log_path[vlen] = '\0';
    } else if (eq(p, klen, "halt_on_error") || eq(p, klen, "abort_on_error") ||
               eq(p, klen, "check_relocations") || eq(p, klen, "move_on_callback") ||
               eq(p, klen, "help")) {
      if (!parse_int(val, vlen, 0, 1, &v)) {
        snprintf(why, cap, "UNDEAD_OPTIONS: %.*s must be 0 or 1, not '%.*s'", (int)klen, p,
                 (int)vlen, val);
        return false;
      }
      if (eq(p, klen, "halt_on_error"))
        o->halt_on_error = v;
      else if (eq(p, klen, "abort_on_error"))
        o->abort_on_error = v;
      else if (eq(p, klen, "check_relocations"))
        o->check_relocations = v;
      else if (eq(p, klen, "move_on_callback"))
        o->move_on_callback = v;
      else
        o->help = v;
    } else if (eq(p, klen, "exitcode")) {
      if (!parse_int(val, vlen, 0, 255, &v)) {
        snprintf(why, cap, "UNDEAD_OPTIONS: exitcode must be 0..255, not '%.*s'", (int)vlen, val);
        return false;
      }
      o->exitcode = (int)v;
    } else if (eq(p, klen, "verbosity")) {
      if (!parse_int(val, vlen, 0, 2, &v)) {
        snprintf(why, cap, "UNDEAD_OPTIONS: verbosity must be 0, 1 or 2, not '%.*s'", (int)vlen,
                 val);
        return false;
      }
      o->verbosity = (int)v;
    } else if (eq(p, klen, "format")) {
      if (eq(val, vlen, "text"))
        o->format = UD_FORMAT_TEXT;
      else if (eq(val, vlen, "json"))
        o->format = UD_FORMAT_JSON;
      else if (eq(val, vlen, "sarif"))
        o->format = UD_FORMAT_SARIF;
      else {
        snprintf(why, cap, "UNDEAD_OPTIONS: format must be text, json or sarif, not '%.*s'",
                 (int)vlen, val);
        return false;
      }
    } else {
      snprintf(why, cap, "UNDEAD_OPTIONS: unknown option '%.*s' (help=1 lists them)", (int)klen, p);
      return false;
    }
    if (!end)
      break;
    p = end + 1;
  }
  return true;
}

static const char help_text[] =
    "undead: options (UNDEAD_OPTIONS=key=value:key=value; UNDEAD=0 turns the shim off)\n"
    "  log_path=PATH      write reports to PATH.PID instead of stderr (stderr, stdout: those)\n"
    "  halt_on_error=1    stop at the first report; 0 reports each (gate, slot) once and goes on\n"
    "  abort_on_error=1   abort() after a report; 0 exits with exitcode instead\n"
    "  exitcode=66        exit status when abort_on_error=0\n"
    "  verbosity=0        0 quiet unless a report, 1 one line at start, 2 details\n"
    "  format=text        report format: text, json (one line) or sarif\n"
    "  check_relocations=1  check gate frames at every stack move; 0 only when a callback\n"
    "                     returns to C (fewer checks, later reports)\n"
    "  move_on_callback=0  1: move the goroutine's stack once at the start of every callback\n"
    "                     (each callback gets a relocation check; a stress mode)\n"
    "  help=1             print this table and exit\n";

void ud_options_print_help(int fd) {
  size_t off = 0, n = sizeof help_text - 1;
  while (off < n) {
    ssize_t w = write(fd, help_text + off, n - off);
    if (w <= 0)
      return;
    off += (size_t)w;
  }
}
