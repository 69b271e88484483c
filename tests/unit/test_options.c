/* Unit tests of the UNDEAD_OPTIONS parser (shim/start/options.c): defaults, every
 * key and type, bad values, the shape of the messages, and the rows of
 * options.inc as documentation.
 *
 *   test_options           run the checks
 *   test_options --table   print the table, one row a line, tab-separated:
 *                          name, arg, default, help (tests/e2e/options_doc.sh
 *                          compares it with the README and with help=1) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "options.h"

static bool parse(const char *spec, ud_options *o, char *why, size_t cap) {
  ud_options_default(o);
  return ud_options_parse(spec, o, why, cap);
}

/* spec is accepted */
static ud_options good(const char *spec) {
  ud_options o;
  char why[200] = "";
  bool ok = parse(spec, &o, why, sizeof why);
  if (!ok)
    fprintf(stderr, "rejected '%s': %s\n", spec, why);
  CHECK(ok);
  return o;
}

/* spec is refused with one line that contains `part` */
static void bad(const char *spec, const char *part) {
  ud_options o;
  char why[200] = "";
  bool ok = parse(spec, &o, why, sizeof why);
  CHECK(!ok);
  CHECK(strncmp(why, "UNDEAD_OPTIONS: ", 16) == 0);
  CHECK(strchr(why, '\n') == NULL);
  if (strstr(why, part) == NULL) {
    fprintf(stderr, "'%s': message '%s' lacks '%s'\n", spec, why, part);
    CHECK(false);
  }
}

static void test_defaults(void) {
  ud_options o;
  ud_options_default(&o);
  CHECK(strcmp(o.log_path, "stderr") == 0);
  CHECK(o.halt_on_error && o.abort_on_error && o.check_relocations && !o.help);
  CHECK(!o.check_layout_dwarf); /* DWARF is read at start-up only when asked */
  CHECK(o.exitcode == 66 && o.verbosity == 0 && o.format == UD_FORMAT_TEXT);
  ud_options p = good(NULL);
  CHECK(memcmp(&o, &p, sizeof o) == 0);
  p = good("");
  CHECK(memcmp(&o, &p, sizeof o) == 0);
  p = good(":::");
  CHECK(memcmp(&o, &p, sizeof o) == 0);
}

static void test_values(void) {
  CHECK(good("check_layout_dwarf=1").check_layout_dwarf);
  ud_options o = good("halt_on_error=0:abort_on_error=0:check_relocations=0:help=1");
  CHECK(!o.halt_on_error && !o.abort_on_error && !o.check_relocations && o.help);
  o = good("exitcode=0:verbosity=2");
  CHECK(o.exitcode == 0 && o.verbosity == 2);
  o = good("exitcode=255");
  CHECK(o.exitcode == 255);
  o = good("format=json");
  CHECK(o.format == UD_FORMAT_JSON);
  o = good("format=sarif::format=text:");
  CHECK(o.format == UD_FORMAT_TEXT); /* the last one wins */
  o = good("log_path=/tmp/dir/undead:verbosity=1");
  CHECK(strcmp(o.log_path, "/tmp/dir/undead") == 0 && o.verbosity == 1);
  o = good("log_path=a=b");
  CHECK(strcmp(o.log_path, "a=b") == 0);
  /* the longest log_path that leaves room for ".PID" */
  char spec[400] = "log_path=";
  size_t room = sizeof o.log_path - 17;
  memset(spec + 9, 'p', room);
  spec[9 + room] = '\0';
  o = good(spec);
  CHECK(strlen(o.log_path) == room);
  spec[9 + room] = 'p';
  spec[10 + room] = '\0';
  bad(spec, "log_path must be 1 to");
}

static void test_bad(void) {
  bad("bogus=1", "unknown option 'bogus'");
  bad("nokey", "'nokey' is not key=value");
  bad("=1", "unknown option ''");
  bad("verbosity=7", "verbosity must be an integer from 0 to 2, not '7'");
  bad("verbosity=", "not ''");
  bad("verbosity=-1", "not '-1'");
  bad("exitcode=256", "exitcode must be an integer from 0 to 255");
  bad("exitcode=0000000066", "exitcode");  /* ten digits: refused, not overflowed */
  bad("halt_on_error=yes", "halt_on_error must be 0 or 1, not 'yes'");
  bad("halt_on_error=2", "must be 0 or 1");
  bad("help= 1", "not ' 1'");
  bad("format=xml", "format must be one of text, json, sarif, not 'xml'");
  bad("format=JSON", "not 'JSON'");
  bad("log_path=", "log_path must be 1 to");
  bad("verbosity=1:format=xml:bogus=1", "format"); /* the first bad one is named */
  /* what the user wrote stays on one line, and long values are cut */
  bad("format=a\nb", "not 'a?b'");
  char spec[300] = "format=";
  memset(spec + 7, 'x', 200);
  spec[207] = '\0';
  bad(spec, "...'");
  /* a small buffer truncates, never overflows */
  ud_options o;
  char why[12];
  memset(why, 'Z', sizeof why);
  CHECK(!parse("bogus=1", &o, why, 8));
  CHECK(strlen(why) == 7 && why[8] == 'Z');
}

static void test_docs(void) {
  /* one row per UD_OPTION of options.inc */
  size_t rows = 0;
#define UD_OPTION(...) rows++;
#include "options.inc"
#undef UD_OPTION
  CHECK(ud_options_count() == rows && rows >= 10);
  for (size_t i = 0; i < ud_options_count(); i++) {
    ud_option_doc d = ud_options_doc(i);
    CHECK(d.name && d.arg && d.def && d.help && d.help[0]);
    /* the documented default parses and is what ud_options_default sets */
    char spec[300];
    snprintf(spec, sizeof spec, "%s=%s", d.name, d.def);
    ud_options dflt, o = good(spec);
    ud_options_default(&dflt);
    CHECK(memcmp(&o, &dflt, sizeof o) == 0);
  }
  size_t fmt = 0;
  while (fmt < ud_options_count() && strcmp(ud_options_doc(fmt).name, "format") != 0)
    fmt++;
  CHECK(fmt < ud_options_count() && strcmp(ud_options_doc(fmt).arg, "text|json|sarif") == 0);
  CHECK(strcmp(ud_options_doc(1).arg, "0|1") == 0);
  /* every format name parses back to its value */
  for (unsigned f = 0; f < UD_FORMAT_COUNT; f++) {
    enum ud_format back;
    const char *n = ud_format_name((enum ud_format)f);
    CHECK(ud_format_parse(n, strlen(n), &back) && back == (enum ud_format)f);
  }
  CHECK(strcmp(ud_format_name(UD_FORMAT_COUNT), "?") == 0);
}

/* help=1's text, read back from a pipe: every row is there */
static void test_help(void) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  ud_options_print_help(fds[1]);
  close(fds[1]);
  static char text[8192];
  ssize_t n, len = 0;
  while ((n = read(fds[0], text + len, sizeof text - 1 - (size_t)len)) > 0)
    len += n;
  close(fds[0]);
  text[len] = '\0';
  CHECK(strncmp(text, "undead: UNDEAD_OPTIONS=", 23) == 0);
  CHECK(strstr(text, "  exitcode=N (default 66)\n      exit status after a report when abort_on_error=0") != NULL);
  CHECK(strchr(text, '`') == NULL);
  for (const char *l = text; *l;) {
    const char *e = strchr(l, '\n');
    CHECK(e != NULL && e - l <= 80);
    l = e ? e + 1 : l + strlen(l);
  }
}

static void print_table(void) {
  for (size_t i = 0; i < ud_options_count(); i++) {
    ud_option_doc d = ud_options_doc(i);
    printf("%s\t%s\t%s\t%s\n", d.name, d.arg, d.def, d.help);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--table") == 0) {
    print_table();
    return 0;
  }
  test_defaults();
  test_values();
  test_bad();
  test_docs();
  test_help();
  return check_status();
}
