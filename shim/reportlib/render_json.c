/* render_json: a report as one line of JSON (schema undead-report/1,
 * documented in docs/report-schema.md). Addresses are strings "0x..." so
 * that no reader loses bits to a double; the key order is fixed. */
#include "report.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s) {
  unsigned c = s[0];
  if (c < 0x80)
    return 1;
  size_t n;
  unsigned min, cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

void ud_out_json_str(ud_out *o, const char *str) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)(str ? str : "");
  ud_out_mem(o, "\"", 1);
  while (*s) {
    const unsigned char *run = s;
    while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
      s++;
    if (s > run)
      ud_out_mem(o, (const char *)run, (size_t)(s - run));
    if (*s == '\0')
      break;
    unsigned c = *s;
    if (c == '"') { ud_out_mem(o, "\\\"", 2); s++; }
    else if (c == '\\') { ud_out_mem(o, "\\\\", 2); s++; }
    else if (c == '\n') { ud_out_mem(o, "\\n", 2); s++; }
    else if (c == '\r') { ud_out_mem(o, "\\r", 2); s++; }
    else if (c == '\t') { ud_out_mem(o, "\\t", 2); s++; }
    else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      ud_out_mem(o, e, 6);
      s++;
    } else {
      size_t n = utf8_len(s);
      if (n == 0) {
        ud_out_mem(o, "\\ufffd", 6);
        s++;
      } else {
        ud_out_mem(o, (const char *)s, n);
        s += n;
      }
    }
  }
  ud_out_mem(o, "\"", 1);
}

static void key(ud_out *o, const char *k, bool first) {
  if (!first)
    ud_out_mem(o, ",", 1);
  ud_out_json_str(o, k);
  ud_out_mem(o, ":", 1);
}

static void kstr(ud_out *o, const char *k, const char *v, bool first) {
  key(o, k, first);
  ud_out_json_str(o, v);
}

static void kaddr(ud_out *o, const char *k, uint64_t v, bool first) {
  key(o, k, first);
  ud_out_fmt(o, "\"0x%llx\"", (unsigned long long)v);
}

static void kint(ud_out *o, const char *k, long long v, bool first) {
  key(o, k, first);
  ud_out_fmt(o, "%lld", v);
}

static void kbool(ud_out *o, const char *k, bool v, bool first) {
  key(o, k, first);
  ud_out_str(o, v ? "true" : "false");
}

/* A frame's members, after first (an object's first key or not). */
static void frame_members(ud_out *o, const ud_report_frame *f, bool first) {
  kaddr(o, "pc", f->pc, first);
  kaddr(o, "sp", f->sp, false);
  kstr(o, "func", f->func, false);
  kstr(o, "file", f->file, false);
  kint(o, "line", f->line, false);
}

static void frames(ud_out *o, const char *k, const ud_report_frame *f, int32_t n) {
  key(o, k, false);
  ud_out_mem(o, "[", 1);
  if (n > UD_REPORT_MAX_FRAMES)
    n = UD_REPORT_MAX_FRAMES;
  for (int32_t i = 0; i < n; i++) {
    if (i > 0)
      ud_out_mem(o, ",", 1);
    ud_out_mem(o, "{", 1);
    frame_members(o, &f[i], true);
    ud_out_mem(o, "}", 1);
  }
  ud_out_mem(o, "]", 1);
}

static void site(ud_out *o, const char *k, uint64_t pc, const char *file, int32_t line,
                 const char *callee) {
  key(o, k, false);
  ud_out_mem(o, "{", 1);
  kaddr(o, "pc", pc, true);
  kstr(o, "file", file, false);
  kint(o, "line", line, false);
  kstr(o, "callee", callee, false);
  ud_out_mem(o, "}", 1);
}

static void range(ud_out *o, const char *k, uint64_t lo, uint64_t hi) {
  key(o, k, false);
  ud_out_mem(o, "{", 1);
  kaddr(o, "lo", lo, true);
  kaddr(o, "hi", hi, false);
  ud_out_mem(o, "}", 1);
}

void ud_report_render_json(const ud_report *r, ud_out *o) {
  char sig[UD_SIGNATURE_MAX];
  ud_report_signature(r, sig, sizeof sig);
  ud_out_mem(o, "{", 1);
  kstr(o, "schema", UD_REPORT_SCHEMA, true);
  kstr(o, "kind", ud_kind_name(r->kind), false);
  kstr(o, "trigger", ud_trigger_name(r->trigger), false);
  kint(o, "pid", r->pid, false);
  kint(o, "tid", r->tid, false);
  kint(o, "goid", r->goid, false);
  kint(o, "time_ns", r->time_ns, false);
  kstr(o, "binary", r->binary, false);
  kstr(o, "go_version", r->go_version, false);
  kstr(o, "signature", sig, false);
  key(o, "fingerprint", false);
  ud_out_fmt(o, "\"%016llx\"", (unsigned long long)ud_report_signature_hash(r));

  key(o, "gate", false);
  ud_out_mem(o, "{", 1);
  kstr(o, "func", r->gate_func, true);
  kint(o, "depth", r->gate_depth, false);
  kaddr(o, "frame_sp", r->frame_sp, false);
  kint(o, "frame_size", r->frame_size, false);
  site(o, "x", r->x_pc, r->x_file, r->x_line, r->x_callee);
  site(o, "y", r->y_pc, r->y_file, r->y_line, r->y_callee);
  ud_out_mem(o, "}", 1);

  key(o, "slot", false);
  ud_out_mem(o, "{", 1);
  kstr(o, "kind", ud_rslot_name(r->slot_kind), true);
  kstr(o, "name", r->slot_name, false);
  kint(o, "sp_off", r->slot_sp_off, false);
  kaddr(o, "addr", r->slot_addr, false);
  kaddr(o, "value", r->value, false);
  kbool(o, "live_at_x", r->live_at_x, false);
  kbool(o, "live_at_y", r->live_at_y, false);
  ud_out_mem(o, "}", 1);

  key(o, "points_to", false);
  ud_out_mem(o, "{", 1);
  kstr(o, "region", ud_region_name(r->points_to), true);
  kint(o, "old_hi_off", r->old_hi_off, false);
  kstr(o, "frame_func", r->old_frame_func, false);
  kint(o, "frame_off", r->old_frame_off, false);
  ud_out_mem(o, "}", 1);

  key(o, "stacks", false);
  ud_out_mem(o, "{", 1);
  kint(o, "newsize", (long long)r->newsize, true);
  range(o, "old", r->old_lo, r->old_hi);
  range(o, "new", r->new_lo, r->new_hi);
  ud_out_mem(o, "}", 1);

  key(o, "access", false);
  ud_out_mem(o, "{", 1);
  kstr(o, "op", ud_access_name(r->access), true);
  frame_members(o, &r->accessor, false);
  ud_out_mem(o, "}", 1);

  frames(o, "go_stack", r->go_stack, r->go_stack_n);
  frames(o, "c_stack", r->c_stack, r->c_stack_n);
  kstr(o, "summary", r->summary, false);
  ud_out_mem(o, "}\n", 2);
}
