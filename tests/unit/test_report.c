/* Unit tests of the report model: the formatter (against libc's snprintf),
 * the three renderings, the signature, and the JSON reader (round trip and
 * rejection of bad input). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_read.h"
#include "report.h"
#include "report_sample.h"

static int failures;

#define CHECK(cond, ...)                                                                          \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      failures++;                                                                                 \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);                   \
      fprintf(stderr, __VA_ARGS__);                                                               \
      fputc('\n', stderr);                                                                        \
    }                                                                                             \
  } while (0)

static char big[1 << 20];

#define FMT_EQ(...)                                                                               \
  do {                                                                                            \
    char want[256], got[256];                                                                     \
    snprintf(want, sizeof want, __VA_ARGS__);                                                     \
    ud_out o;                                                                                     \
    ud_out_init_mem(&o, got, sizeof got);                                                         \
    ud_out_fmt(&o, __VA_ARGS__);                                                                  \
    CHECK(strcmp(want, got) == 0, "format %s: want '%s' got '%s'", #__VA_ARGS__, want, got);     \
  } while (0)

static void test_format(void) {
  FMT_EQ("plain");
  FMT_EQ("%d %d %d", 0, -1, 2147483647);
  FMT_EQ("%d", (int)-2147483647 - 1);
  FMT_EQ("%lld %lld", -9223372036854775807LL - 1, 9223372036854775807LL);
  FMT_EQ("%llu %llx %#llx", 18446744073709551615ULL, 18446744073709551615ULL, 0xc000123456ULL);
  FMT_EQ("%#x %#x %x %X", 0u, 255u, 0xdeadu, 0xbeefu);
  FMT_EQ("[%5d] [%-5d] [%05d] [%+d] [%+d]", 42, 42, -42, 7, -7);
  FMT_EQ("[%10s] [%-10s] [%.3s] [%-6.2s]", "abc", "abc", "abcdef", "xyz");
  FMT_EQ("[%*s] [%-*s] [%.*s]", 6, "ab", 6, "ab", 2, "abcd");
  FMT_EQ("%zu %ld %lu %c %%", (size_t)123, -5L, 7UL, 'Q');
  FMT_EQ("%016llx", 0x1234ULL);
  FMT_EQ("%.4d %8.3d", 7, -5);
  FMT_EQ("%+d", 0);

  /* memory sink: truncates and flags, stays a string */
  char small[8];
  ud_out o;
  ud_out_init_mem(&o, small, sizeof small);
  ud_out_str(&o, "0123456789");
  CHECK(o.overflow && strcmp(small, "0123456") == 0, "truncation: '%s'", small);

  /* fd sink with a tiny buffer: output equals the memory rendering */
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  char tiny[3];
  ud_out_init_fd(&o, fds[1], tiny, sizeof tiny);
  ud_out_fmt(&o, "%s=%d;%#llx", "key", 12345, 0xabcdefULL);
  ud_out_flush(&o);
  close(fds[1]);
  char back[64] = {0};
  ssize_t n = read(fds[0], back, sizeof back - 1);
  close(fds[0]);
  CHECK(n > 0 && strcmp(back, "key=12345;0xabcdef") == 0 && !o.error, "fd sink: '%s'", back);
}

static const char *render_text(const ud_report *r) {
  ud_out o;
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_text(r, &o, false);
  CHECK(!o.overflow, "text overflow");
  return big;
}

static void test_text(void) {
  ud_report r;
  ud_sample_report(&r, 0);
  const char *t = render_text(&r);
  CHECK(strncmp(t, "==4242==ERROR: undead: undead pointer in runtime.cgocall frame (goroutine 18) "
                   "during stack growth\n", 94) == 0, "first line:\n%s", t);
  const char *need[] = {
      "An undead pointer is a stack slot",
      "X 0x4a1b2c /usr/local/go/src/runtime/cgocall.go:167 after the call to runtime.entersyscall",
      "Y 0x4a1b5d /usr/local/go/src/runtime/cgocall.go:185 after the call to runtime.asmcgocall",
      "| X cgocall.go:167",
      "| sp+56 'arg' = 0xc00004bf10",
      "old     [0xc00004a000, 0xc00004c000)  the stack being left",
      "new     [0xc000104000, 0xc000108000)",
      "Slot: arg 'arg' at sp+56 of the gate frame (address 0xc000107e98): live at X, dead at Y",
      "Value: 0xc00004bf10 points into the old stack (left by this move), 240 (0xf0) bytes below",
      "in the frame of main.grow, at sp+16",
      "Go stack of goroutine 18 at the stack growth:\n    #0 0x455f20 in runtime.copystack "
      "/usr/local/go/src/runtime/stack.go:913\n",
      "C stack of thread 4245:\n    #0 0x7f0000001234 in ud_on_copystack\n",
      "\nSUMMARY: undead: undead-pointer in runtime.cgocall arg (X cgocall.go:167, Y "
      "cgocall.go:185)\n",
  };
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
    CHECK(strstr(t, need[i]) != NULL, "text lacks '%s':\n%s", need[i], t);
  CHECK(strchr(t, '\033') == NULL, "escape codes without color");
  /* every line of the picture box has the same width */
  int boxw = -1;
  for (const char *l = t; *l;) {
    const char *e = strchr(l, '\n');
    if (strncmp(l, "    |", 5) == 0 || strncmp(l, "    +-", 6) == 0) {
      int w = (int)(e - l);
      CHECK(boxw < 0 || w == boxw, "box line width %d != %d: %.*s", w, boxw, w, l);
      boxw = w;
    }
    l = e + 1;
  }
  CHECK(boxw > 0, "no box");

  ud_out o;
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_text(&r, &o, true);
  CHECK(strstr(big, "\033[1;31m==4242==ERROR") != NULL, "color header");

  ud_sample_report(&r, 2);
  t = render_text(&r);
  CHECK(strstr(t, "==4242==ERROR: undead: stale saved syscall SP in runtime.cgocall frame "
                  "(goroutine 18) during callback return\n") != NULL, "g-field header:\n%s", t);
  CHECK(strstr(t, "Slot: g.syscallsp of goroutine 18") != NULL, "g-field slot:\n%s", t);
  /* checked when the callback returned: the range is the current stack */
  CHECK(strstr(t, "\n    current [0xc000104000, 0xc000108000)  the goroutine's stack when the "
                  "callback returned\n") != NULL, "g-field current stack:\n%s", t);
  CHECK(strstr(t, "\nStacks: current [0xc000104000, 0xc000108000) 16384 bytes (callback "
                  "return)\n") != NULL, "g-field Stacks line:\n%s", t);
  CHECK(strstr(t, "old ") == NULL && strstr(t, "    old") == NULL, "g-field says old:\n%s", t);
  CHECK(strstr(t, "SUMMARY: undead: stale-syscall-sp in runtime.cgocall g.syscallsp (X "
                  "cgocall.go:167, Y cgocall.go:185)") != NULL, "g-field summary:\n%s", t);

  /* a report with nothing filled in still renders, without crashing */
  memset(&r, 0, sizeof r);
  r.go_stack_n = 1000; /* out of range: clamped */
  r.c_stack_n = -3;
  t = render_text(&r);
  CHECK(strstr(t, "SUMMARY: undead:") != NULL, "empty report");
}

/* Every word of every vocabulary names itself back; out-of-range values
 * render as "?", never crash. */
static void test_vocab(void) {
  for (int v = 0; v < UD_VOCAB_COUNT; v++) {
    CHECK(ud_vocab_size((ud_vocab)v) > 0, "vocabulary %d empty", v);
    for (int i = 0; i < ud_vocab_size((ud_vocab)v); i++) {
      const char *n = ud_vocab_name((ud_vocab)v, i);
      CHECK(ud_vocab_lookup((ud_vocab)v, n) == i, "%s %s", ud_vocab_title((ud_vocab)v), n);
    }
    CHECK(ud_vocab_lookup((ud_vocab)v, "?") == -1, "'?' is a word");
  }
  CHECK(strcmp(ud_kind_name(UD_KIND_COUNT), "?") == 0 && ud_kind_help(UD_KIND_COUNT) == NULL,
        "kind out of range");
  CHECK(strcmp(ud_region_name(UD_REGION_NONE), "?") == 0, "region none");
  CHECK(ud_region_is_own(UD_REGION_OLD_STACK) && !ud_region_is_own(UD_REGION_OUTSIDE_STACK),
        "own regions");
  CHECK(ud_kind_is_g_field(UD_KIND_STALE_SYSCALL_BP) && !ud_kind_is_g_field(UD_KIND_UNDEAD_POINTER),
        "g-field kinds");
  ud_report r;
  ud_sample_report(&r, 0);
  r.kind = (enum ud_kind)77;
  r.trigger = (enum ud_trigger)-5;
  r.points_to = (enum ud_region)1000;
  r.slot_kind = (enum ud_rslot)9;
  const char *t = render_text(&r);
  CHECK(strstr(t, "ERROR: undead: unknown violation in runtime.cgocall frame") != NULL, "%s", t);
  ud_out o;
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_json(&r, &o);
  CHECK(strstr(big, "\"kind\":\"?\",\"trigger\":\"?\"") != NULL, "json of bad enums: %.120s", big);
}

static void test_signature(void) {
  ud_report a, b, c;
  ud_sample_report(&a, 0);
  ud_sample_report(&b, 1);
  ud_sample_report(&c, 2);
  char sa[640], sb[640], sc[640];
  ud_report_signature(&a, sa, sizeof sa);
  ud_report_signature(&b, sb, sizeof sb);
  ud_report_signature(&c, sc, sizeof sc);
  CHECK(strcmp(sa, "undead-pointer|runtime.cgocall|arg@sp+56|cgocall.go:167|cgocall.go:185") == 0,
        "signature '%s'", sa);
  CHECK(strcmp(sa, sb) == 0, "same defect, two processes: '%s' vs '%s'", sa, sb);
  CHECK(strcmp(sa, sc) != 0, "different defects share '%s'", sa);
  CHECK(ud_report_signature_hash(&a) == ud_report_signature_hash(&b) &&
            ud_report_signature_hash(&a) != ud_report_signature_hash(&c),
        "hash");
  /* the directory of the Go sources does not matter */
  strcpy(b.x_file, "/usr/lib/go-1.19/src/runtime/cgocall.go");
  strcpy(b.y_file, "/usr/lib/go-1.19/src/runtime/cgocall.go");
  ud_report_signature(&b, sb, sizeof sb);
  CHECK(strcmp(sa, sb) == 0, "GOROOT in signature");
  /* with or without DWARF (a name), the same slot has the same signature */
  ud_report_signature(&a, sb, sizeof sb);
  a.slot_name[0] = '\0';
  ud_report_signature(&a, sa, sizeof sa);
  CHECK(strcmp(sa, sb) == 0, "name changes the signature: '%s' vs '%s'", sa, sb);
  ud_report_slot_label(&a, sa, sizeof sa);
  CHECK(strcmp(sa, "arg@sp+56") == 0, "unnamed slot label: '%s'", sa);
  CHECK(strstr(sc, "|g.syscallsp|") != NULL, "g field signature: '%s'", sc);
}

static bool same_report(const ud_report *a, const ud_report *b) {
  return memcmp(a, b, sizeof *a) == 0;
}

/* A report written before undead-report/1 had "access" reads as one of no
 * access; one with a word access.op does not know is refused. */
static void test_json_without_access(void) {
  ud_report r, back;
  ud_sample_report(&r, 0);
  ud_out o;
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_json(&r, &o);
  char *a = strstr(big, ",\"access\":{");
  char *end = a ? strchr(a + 1, '}') : NULL;
  CHECK(a != NULL && end != NULL, "no access object: %.80s", big);
  if (a == NULL || end == NULL)
    return;
  memmove(a, end + 1, strlen(end + 1) + 1);
  char why[300] = "";
  CHECK(ud_json_read_report(big, strlen(big), &back, why, sizeof why), "without access: %s", why);
  CHECK(same_report(&r, &back), "without access: round trip differs");
  ud_sample_report(&r, 5);
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_json(&r, &o);
  char *op = strstr(big, "\"op\":\"write\"");
  CHECK(op != NULL, "no access.op write");
  if (op != NULL)
    memcpy(op, "\"op\":\"wrote\"", 12);
  CHECK(!ud_json_read_report(big, strlen(big), &back, why, sizeof why) && strstr(why, "access.op") != NULL,
        "an unknown access.op is refused: %s", why);
}

static void test_json_roundtrip(void) {
  for (int v = 0; v <= 5; v++) {
    ud_report r, back;
    ud_sample_report(&r, v);
    ud_out o;
    ud_out_init_mem(&o, big, sizeof big);
    ud_report_render_json(&r, &o);
    CHECK(!o.overflow, "json overflow");
    size_t len = strlen(big);
    CHECK(len > 0 && big[len - 1] == '\n' && memchr(big, '\n', len - 1) == NULL,
          "variant %d: not one line", v);
    CHECK(strncmp(big, "{\"schema\":\"undead-report/1\",", 28) == 0, "schema first: %.60s", big);
    char why[300] = "";
    bool ok = ud_json_read_report(big, len, &back, why, sizeof why);
    CHECK(ok, "variant %d: reading back: %s\n%s", v, why, big);
    if (!ok)
      continue;
    if (v == 3) {
      /* invalid UTF-8 is replaced, everything else survives */
      CHECK(strcmp(back.binary, "/tmp/we\"ird\\dir/\x01\t\n/caf\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd bad") ==
                0,
            "hostile binary: '%s'", back.binary);
      CHECK(strcmp(back.go_stack[2].func, r.go_stack[2].func) == 0, "hostile func");
      CHECK(strstr(back.summary, "line two \xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate") !=
                NULL,
            "hostile summary: '%s'", back.summary);
      continue;
    }
    /* ud_report holds only fixed arrays and integers; both sides were
     * zeroed before filling, so equal content means equal bytes */
    CHECK(same_report(&r, &back), "variant %d: round trip differs", v);
    if (v == 4)
      CHECK(strlen(back.binary) == UD_REPORT_PATH_MAX - 1 && strlen(back.go_version) > 60,
            "long strings cut: %zu, '%s'", strlen(back.binary), back.go_version);
  }
}

static void expect_reject(const char *json, const char *why_part) {
  ud_report r;
  char why[300] = "";
  bool ok = ud_json_read_report(json, strlen(json), &r, why, sizeof why);
  CHECK(!ok, "accepted: %s", json);
  CHECK(!ok && strstr(why, why_part) != NULL && strchr(why, '\n') == NULL,
        "input %.60s: why '%s' lacks '%s'", json, why, why_part);
}

static void replace(char *s, const char *from, const char *to) {
  char *p = strstr(s, from);
  if (p == NULL) {
    CHECK(false, "no '%s' to replace", from);
    return;
  }
  size_t fl = strlen(from), tl = strlen(to);
  memmove(p + tl, p + fl, strlen(p + fl) + 1);
  memcpy(p, to, tl);
}

static void test_json_reject(void) {
  expect_reject("", "unexpected end");
  expect_reject("   ", "unexpected end");
  expect_reject("[]", "expected an object");
  expect_reject("{}", "lacks field schema");
  expect_reject("{\"schema\":\"undead-report/2\"}", "unsupported report schema");
  expect_reject("{\"schema\":\"undead-report/1\",}", "trailing comma");
  expect_reject("{\"schema\":\"undead-report/1\"} x", "after the JSON value");
  expect_reject("{\"schema\":\"undead-report/1\"", "expected ',' or '}'");
  expect_reject("{\"a\":01}", "invalid JSON");
  expect_reject("{\"a\":1.}", "bad number");
  expect_reject("{\"a\":\"\\x\"}", "bad escape");
  expect_reject("{\"a\":\"\\ud800\"}", "surrogate");
  expect_reject("{\"a\":\"\\u0000\"}", "\\u0000");
  expect_reject("{\"a\":\"tab\there\"}", "control character");
  expect_reject("{\"a\":\"\xc3\x28\"}", "invalid UTF-8");
  expect_reject("{\"a\":tru}", "expected 'true'");
  expect_reject("{\"a\":\"unterminated}", "unterminated string");
  expect_reject("{\"a\" 1}", "expected ':'");
  expect_reject("{1:2}", "expected a string key");
  char deep[200] = "";
  for (int i = 0; i < 40; i++)
    strcat(deep, "[");
  expect_reject(deep, "nested deeper");

  /* a valid report, damaged one field at a time */
  ud_report r;
  ud_sample_report(&r, 0);
  static char good[1 << 16], bad[1 << 16];
  ud_out o;
  ud_out_init_mem(&o, good, sizeof good);
  ud_report_render_json(&r, &o);
  struct {
    const char *from, *to, *why;
  } cases[] = {
      {"\"pid\":4242", "\"pid\":\"4242\"", "field pid is a string, expected a number"},
      {"\"pid\":4242", "\"pid\":4242.5", "field pid = 4242.5 is not an integer"},
      {"\"pid\":4242", "\"pid\":99999999999", "is not an integer in"},
      {"\"frame_sp\":\"0xc000107e60\"", "\"frame_sp\":\"c000107e60\"", "gate.frame_sp"},
      {"\"frame_sp\":\"0xc000107e60\"", "\"frame_sp\":\"0x\"", "not an address"},
      {"\"frame_sp\":\"0xc000107e60\"", "\"frame_sp\":\"0xC000107E60\"", "not an address"},
      {"\"frame_sp\":\"0xc000107e60\"", "\"frame_sp\":\"0x10000000000000000\"", "not an address"},
      {"\"line\":167", "\"line\":null", "gate.x.line is null"},
      {"\"live_at_y\":false", "\"live_at_y\":0", "slot.live_at_y is a number"},
      {"\"kind\":\"undead-pointer\",", "", "lacks field kind"},
      {"\"go_stack\":[", "\"go_stack\":[1,", "go_stack[0] is a number"},
      {"\"summary\":", "\"summary\":\"x\",\"summary\":", "appears twice"},
      {"\"kind\":\"undead-pointer\"", "\"kind\":\"zombie\"",
       "report field kind = \"zombie\" is not a known kind (undead-pointer, stale-syscall-sp, "},
      {"\"kind\":\"undead-pointer\"", "\"kind\":\"undead-pointer\\n\"", "= \"undead-pointer?\""},
      {"\"trigger\":\"stack-growth\"", "\"trigger\":\"gc\"", "field trigger = \"gc\" is not a known trigger"},
      {"\"region\":\"old-stack\"", "\"region\":\"heap\"", "points_to.region = \"heap\" is not a known region"},
      {"\"kind\":\"arg\"", "\"kind\":\"ret\"", "slot.kind = \"ret\" is not a known slot-kind"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    strcpy(bad, good);
    replace(bad, cases[i].from, cases[i].to);
    expect_reject(bad, cases[i].why);
  }
  /* unknown keys are ignored (additions within schema 1) */
  strcpy(bad, good);
  replace(bad, "\"kind\":", "\"future\":{\"x\":[1,2,{}]},\"kind\":");
  ud_report back;
  char why[300];
  CHECK(ud_json_read_report(bad, strlen(bad), &back, why, sizeof why), "unknown key: %s", why);

  /* every prefix of a good report is rejected, none crashes */
  size_t len = strlen(good);
  for (size_t k = 0; k + 1 < len; k += 7) {
    CHECK(!ud_json_read_report(good, k, &back, why, sizeof why), "prefix %zu accepted", k);
  }
}

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

static void test_sarif(void) {
  ud_report a, b, c;
  ud_sample_report(&a, 0);
  ud_sample_report(&b, 1);
  ud_sample_report(&c, 2);
  const ud_report *rs[] = {&a, &c, &b};
  ud_out o;
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_sarif(rs, 3, &o);
  CHECK(!o.overflow, "sarif overflow");
  CHECK(strstr(big, "\"version\":\"2.1.0\"") != NULL, "version");
  CHECK(count(big, "\"ruleId\":") == 2, "two distinct results, got %zu", count(big, "\"ruleId\":"));
  CHECK(strstr(big, "\"occurrences\":2") != NULL && strstr(big, "\"occurrences\":1") != NULL,
        "occurrences");
  CHECK(strstr(big, "\"uri\":\"file:///usr/local/go/src/runtime/cgocall.go\"},\"region\":{"
                    "\"startLine\":167}") != NULL,
        "X location");
  CHECK(strstr(big, "\"relatedLocations\":[{\"id\":1,\"physicalLocation\":{\"artifactLocation\":"
                    "{\"uri\":\"file:///usr/local/go/src/runtime/cgocall.go\"},\"region\":{"
                    "\"startLine\":185}}") != NULL,
        "Y related location");
  CHECK(count(big, "\"id\":\"undead-pointer\"") == 1 &&
            count(big, "\"id\":\"stale-syscall-sp\"") == 1,
        "rules");
  ud_report *h = &a;
  ud_sample_report(h, 3);
  strcpy(h->x_file, "/tmp/a b/100%/x.go");
  const ud_report *one[] = {h};
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_sarif(one, 1, &o);
  CHECK(strstr(big, "\"uri\":\"file:///tmp/a%20b/100%25/x.go\"") != NULL, "uri escaping");
  /* zero reports: a valid log with no results */
  ud_out_init_mem(&o, big, sizeof big);
  ud_report_render_sarif(NULL, 0, &o);
  CHECK(strstr(big, "\"results\":[]") != NULL, "empty log");
}

int main(void) {
  test_format();
  test_text();
  test_vocab();
  test_signature();
  test_json_roundtrip();
  test_json_without_access();
  test_json_reject();
  test_sarif();
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
