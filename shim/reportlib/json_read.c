/* json_read: a strict JSON parser into a small tree, and the mapping of an
 * undead-report/1 object onto ud_report. The tree lives in one arena that
 * is freed before returning; strings are decoded into it. Messages are
 * formatted by the report library's formatter and quote the input only
 * through shown(), so a message is always one line. */
#include "json_read.h"

#include "counts_record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 32 };

typedef enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval jval;
struct jval {
  jtype type;
  bool b;
  const char *num; /* the literal, validated; NUL-terminated copy */
  const char *str; /* decoded, NUL-terminated (no embedded NUL: \u0000 rejected) */
  const char *key; /* when a member of an object */
  jval *child;     /* first element / member */
  jval *next;      /* next sibling */
};

typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  max_align_t data[];
} arena_block;

typedef struct parser {
  const char *s;
  size_t len, pos;
  arena_block *blocks;
  char *why;
  size_t cap;
  bool failed;
} parser;

static void *arena_alloc(parser *p, size_t n) {
  n = (n + 15) & ~(size_t)15;
  arena_block *b = p->blocks;
  if (b == NULL || b->cap - b->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    b = malloc(sizeof *b + cap);
    if (b == NULL)
      return NULL;
    b->next = p->blocks;
    b->used = 0;
    b->cap = cap;
    p->blocks = b;
  }
  void *r = (char *)b->data + b->used;
  b->used += n;
  return r;
}

static void arena_free(parser *p) {
  while (p->blocks) {
    arena_block *n = p->blocks->next;
    free(p->blocks);
    p->blocks = n;
  }
}

__attribute__((format(printf, 2, 3))) static bool fail(parser *p, const char *fmt, ...) {
  if (p->failed)
    return false;
  p->failed = true;
  ud_out o;
  ud_out_init_mem(&o, p->why, p->cap);
  ud_out_fmt(&o, "invalid JSON at byte %zu: ", p->pos + 1);
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(&o, fmt, ap);
  va_end(ap);
  return false;
}

/* Not the input's fault: said as such, never as "invalid JSON". */
static bool fail_nomem(parser *p) {
  if (!p->failed)
    ud_str_fmt(p->why, p->cap, "out of memory reading a report of %zu bytes", p->len);
  p->failed = true;
  return false;
}

static void skip_ws(parser *p) {
  while (p->pos < p->len) {
    char c = p->s[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      break;
    p->pos++;
  }
}

static int peek(parser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static bool expect_lit(parser *p, const char *lit) {
  size_t n = strlen(lit);
  if (p->len - p->pos < n || memcmp(p->s + p->pos, lit, n) != 0)
    return fail(p, "expected '%s'", lit);
  p->pos += n;
  return true;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool read_u4(parser *p, unsigned *out) {
  if (p->len - p->pos < 4)
    return fail(p, "truncated \\u escape");
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval((unsigned char)p->s[p->pos + (size_t)i]);
    if (h < 0)
      return fail(p, "bad \\u escape");
    v = v << 4 | (unsigned)h;
  }
  p->pos += 4;
  *out = v;
  return true;
}

static size_t put_utf8(char *d, unsigned cp) {
  if (cp < 0x80) { d[0] = (char)cp; return 1; }
  if (cp < 0x800) { d[0] = (char)(0xC0 | cp >> 6); d[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    d[0] = (char)(0xE0 | cp >> 12); d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  d[0] = (char)(0xF0 | cp >> 18); d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  d[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); d[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Valid UTF-8 sequence length at s (at most avail bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail) {
  unsigned c = s[0], cp, min;
  size_t n;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (avail < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

static const char *parse_string(parser *p) {
  /* the decoded string is never longer than the literal */
  p->pos++; /* opening quote */
  size_t start = p->pos, end = start;
  while (end < p->len && p->s[end] != '"') {
    if (p->s[end] == '\\')
      end++;
    end++;
  }
  if (end >= p->len) {
    fail(p, "unterminated string");
    return NULL;
  }
  char *d = arena_alloc(p, end - start + 1);
  if (d == NULL) {
    fail_nomem(p);
    return NULL;
  }
  size_t n = 0;
  while (p->pos < end) {
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c < 0x20) {
      fail(p, "control character in string");
      return NULL;
    }
    if (c == '\\') {
      p->pos++;
      char e = p->s[p->pos++];
      switch (e) {
      case '"': d[n++] = '"'; break;
      case '\\': d[n++] = '\\'; break;
      case '/': d[n++] = '/'; break;
      case 'b': d[n++] = '\b'; break;
      case 'f': d[n++] = '\f'; break;
      case 'n': d[n++] = '\n'; break;
      case 'r': d[n++] = '\r'; break;
      case 't': d[n++] = '\t'; break;
      case 'u': {
        unsigned cp;
        if (!read_u4(p, &cp))
          return NULL;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
            fail(p, "lone surrogate in \\u escape");
            return NULL;
          }
          p->pos += 2;
          if (!read_u4(p, &lo))
            return NULL;
          if (lo < 0xDC00 || lo > 0xDFFF) {
            fail(p, "bad surrogate pair");
            return NULL;
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail(p, "lone surrogate in \\u escape");
          return NULL;
        } else if (cp == 0) {
          fail(p, "\\u0000 in string");
          return NULL;
        }
        /* 6 escaped bytes (12 for a pair) always cover the 1-4 written */
        n += put_utf8(d + n, cp);
        break;
      }
      default:
        p->pos--;
        fail(p, "bad escape");
        return NULL;
      }
      continue;
    }
    size_t k = utf8_len((const unsigned char *)p->s + p->pos, end - p->pos);
    if (k == 0) {
      fail(p, "invalid UTF-8 in string");
      return NULL;
    }
    memcpy(d + n, p->s + p->pos, k);
    n += k;
    p->pos += k;
  }
  d[n] = '\0';
  p->pos = end + 1;
  return d;
}

/* One or more digits (a fraction's, an exponent's). */
static bool digits(parser *p) {
  int c = peek(p);
  if (!(c >= '0' && c <= '9'))
    return fail(p, "bad number");
  while ((c = peek(p)) >= '0' && c <= '9')
    p->pos++;
  return true;
}

static const char *parse_number(parser *p) {
  size_t start = p->pos;
  if (peek(p) == '-')
    p->pos++;
  int c = peek(p);
  if (c == '0') {
    p->pos++;
  } else if (c >= '1' && c <= '9') {
    while ((c = peek(p)) >= '0' && c <= '9')
      p->pos++;
  } else {
    fail(p, "bad number");
    return NULL;
  }
  if (peek(p) == '.') {
    p->pos++;
    if (!digits(p))
      return NULL;
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    p->pos++;
    if (peek(p) == '+' || peek(p) == '-')
      p->pos++;
    if (!digits(p))
      return NULL;
  }
  size_t n = p->pos - start;
  char *d = arena_alloc(p, n + 1);
  if (d == NULL) {
    fail_nomem(p);
    return NULL;
  }
  memcpy(d, p->s + start, n);
  d[n] = '\0';
  return d;
}

static jval *parse_value(parser *p, int depth);

static jval *new_val(parser *p, jtype t) {
  jval *v = arena_alloc(p, sizeof *v);
  if (v == NULL) {
    fail_nomem(p);
    return NULL;
  }
  memset(v, 0, sizeof *v);
  v->type = t;
  return v;
}

static jval *parse_container(parser *p, int depth, bool obj) {
  if (depth >= MAX_DEPTH) {
    fail(p, "nested deeper than %d", MAX_DEPTH);
    return NULL;
  }
  jval *v = new_val(p, obj ? J_OBJ : J_ARR);
  if (v == NULL)
    return NULL;
  p->pos++;
  skip_ws(p);
  char close = obj ? '}' : ']';
  if (peek(p) == close) {
    p->pos++;
    return v;
  }
  jval **tail = &v->child;
  for (;;) {
    const char *key = NULL;
    if (obj) {
      skip_ws(p);
      if (peek(p) != '"') {
        fail(p, "expected a string key");
        return NULL;
      }
      if ((key = parse_string(p)) == NULL)
        return NULL;
      skip_ws(p);
      if (peek(p) != ':') {
        fail(p, "expected ':'");
        return NULL;
      }
      p->pos++;
    }
    jval *e = parse_value(p, depth + 1);
    if (e == NULL)
      return NULL;
    e->key = key;
    *tail = e;
    tail = &e->next;
    skip_ws(p);
    int c = peek(p);
    if (c == ',') {
      p->pos++;
      skip_ws(p);
      if (peek(p) == close) {
        fail(p, "trailing comma");
        return NULL;
      }
      continue;
    }
    if (c == close) {
      p->pos++;
      return v;
    }
    fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    return NULL;
  }
}

static jval *parse_value(parser *p, int depth) {
  skip_ws(p);
  int c = peek(p);
  jval *v;
  switch (c) {
  case '{': return parse_container(p, depth, true);
  case '[': return parse_container(p, depth, false);
  case '"':
    if ((v = new_val(p, J_STR)) == NULL || (v->str = parse_string(p)) == NULL)
      return NULL;
    return v;
  case 't':
  case 'f':
    if ((v = new_val(p, J_BOOL)) == NULL || !expect_lit(p, c == 't' ? "true" : "false"))
      return NULL;
    v->b = c == 't';
    return v;
  case 'n':
    if ((v = new_val(p, J_NULL)) == NULL || !expect_lit(p, "null"))
      return NULL;
    return v;
  case -1:
    fail(p, "unexpected end of input");
    return NULL;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) {
      if ((v = new_val(p, J_NUM)) == NULL || (v->num = parse_number(p)) == NULL)
        return NULL;
      return v;
    }
    fail(p, "unexpected character '%c'", c >= 0x20 && c < 0x7f ? c : '?');
    return NULL;
  }
}

/* ---- mapping onto ud_report -------------------------------------------- */

typedef struct mapper {
  char *why;
  size_t cap;
  bool failed;
} mapper;

__attribute__((format(printf, 2, 3))) static void mfail(mapper *m, const char *fmt, ...) {
  if (m->failed)
    return;
  m->failed = true;
  ud_out o;
  ud_out_init_mem(&o, m->why, m->cap);
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(&o, fmt, ap);
  va_end(ap);
}

/* A string from the input, for a message: at most 40 bytes, control bytes
 * as '?', so that the message stays one line. */
static const char *shown(const char *s, char buf[48]) {
  size_t n = 0;
  for (; s[n] && n < 40; n++)
    buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
  ud_str_fmt(buf + n, 48 - n, "%s", s[n] ? "..." : "");
  return buf;
}

static const char *type_name(jtype t) {
  static const char *n[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
  return n[t];
}

static const jval *member(mapper *m, const jval *obj, const char *path, const char *key,
                          jtype want) {
  if (m->failed)
    return NULL;
  const jval *found = NULL;
  for (const jval *e = obj->child; e; e = e->next)
    if (strcmp(e->key, key) == 0) {
      if (found) {
        mfail(m, "report field %s%s appears twice", path, key);
        return NULL;
      }
      found = e;
    }
  if (found == NULL) {
    mfail(m, "report lacks field %s%s", path, key);
    return NULL;
  }
  if (found->type != want) {
    mfail(m, "report field %s%s is %s, expected %s", path, key, type_name(found->type),
          type_name(want));
    return NULL;
  }
  return found;
}

static bool has_member(const jval *obj, const char *key) {
  for (const jval *e = obj->child; e; e = e->next)
    if (strcmp(e->key, key) == 0)
      return true;
  return false;
}

/* Copies a string, truncated to the array at a UTF-8 character boundary. */
static void get_str(mapper *m, const jval *obj, const char *path, const char *key, char *dst,
                    size_t cap) {
  const jval *v = member(m, obj, path, key, J_STR);
  if (v == NULL)
    return;
  size_t n = strlen(v->str);
  if (n >= cap) {
    n = cap - 1;
    while (n > 0 && ((unsigned char)v->str[n] & 0xC0) == 0x80)
      n--;
  }
  memcpy(dst, v->str, n);
  dst[n] = '\0';
}

/* A word of one of the report's vocabularies (vocab.h): anything else is
 * refused, naming the words this reader knows. */
static int get_word(mapper *m, const jval *obj, const char *path, const char *key, ud_vocab voc) {
  const jval *v = member(m, obj, path, key, J_STR);
  if (v == NULL)
    return 0;
  int i = ud_vocab_lookup(voc, v->str);
  if (i < 0) {
    char known[160], buf[48];
    ud_out o;
    ud_out_init_mem(&o, known, sizeof known);
    for (int k = 0; k < ud_vocab_size(voc); k++)
      ud_out_fmt(&o, "%s%s", k ? ", " : "", ud_vocab_name(voc, k));
    mfail(m, "report field %s%s = \"%s\" is not a known %s (%s)", path, key, shown(v->str, buf),
          ud_vocab_title(voc), known);
    return 0;
  }
  return i;
}

static void get_int(mapper *m, const jval *obj, const char *path, const char *key, int64_t lo,
                    int64_t hi, int64_t *out) {
  const jval *v = member(m, obj, path, key, J_NUM);
  if (v == NULL)
    return;
  errno = 0;
  char *end;
  long long x = strtoll(v->num, &end, 10);
  if (*end != '\0' || errno != 0 || x < lo || x > hi) {
    mfail(m, "report field %s%s = %s is not an integer in [%" PRId64 ", %" PRId64 "]", path, key,
          v->num, lo, hi);
    return;
  }
  *out = x;
}

static void get_i32(mapper *m, const jval *obj, const char *path, const char *key, int32_t *out) {
  int64_t x = 0;
  get_int(m, obj, path, key, INT32_MIN, INT32_MAX, &x);
  *out = (int32_t)x;
}

static void get_addr(mapper *m, const jval *obj, const char *path, const char *key,
                     uint64_t *out) {
  const jval *v = member(m, obj, path, key, J_STR);
  if (v == NULL)
    return;
  const char *s = v->str;
  uint64_t x = 0;
  size_t nd = 0;
  if (s[0] == '0' && s[1] == 'x') {
    for (s += 2; *s && nd <= 16; s++, nd++) {
      int h = hexval((unsigned char)*s);
      if (h < 0 || (*s >= 'A' && *s <= 'F'))
        break;
      x = x << 4 | (uint64_t)h;
    }
  }
  if (nd == 0 || nd > 16 || *s != '\0') {
    char buf[48];
    mfail(m, "report field %s%s = \"%s\" is not an address (\"0x\" and 1-16 lowercase hex "
             "digits)", path, key, shown(v->str, buf));
    return;
  }
  *out = x;
}

static void get_bool(mapper *m, const jval *obj, const char *path, const char *key, bool *out) {
  const jval *v = member(m, obj, path, key, J_BOOL);
  if (v)
    *out = v->b;
}

static void get_site(mapper *m, const jval *gate, const char *key, uint64_t *pc, char *file,
                     size_t fcap, int32_t *line, char *callee, size_t ccap) {
  const jval *s = member(m, gate, "gate.", key, J_OBJ);
  if (s == NULL)
    return;
  char path[16];
  ud_str_fmt(path, sizeof path, "gate.%s.", key);
  get_addr(m, s, path, "pc", pc);
  get_str(m, s, path, "file", file, fcap);
  get_i32(m, s, path, "line", line);
  get_str(m, s, path, "callee", callee, ccap);
}

static void get_frame(mapper *m, const jval *obj, const char *path, ud_report_frame *f) {
  get_addr(m, obj, path, "pc", &f->pc);
  get_addr(m, obj, path, "sp", &f->sp);
  get_str(m, obj, path, "func", f->func, sizeof f->func);
  get_str(m, obj, path, "file", f->file, sizeof f->file);
  get_i32(m, obj, path, "line", &f->line);
}

static void get_frames(mapper *m, const jval *obj, const char *key, ud_report_frame *out,
                       int32_t *n) {
  const jval *a = member(m, obj, "", key, J_ARR);
  if (a == NULL)
    return;
  int32_t i = 0;
  for (const jval *e = a->child; e && !m->failed; e = e->next, i++) {
    char path[48];
    ud_str_fmt(path, sizeof path, "%s[%d].", key, i);
    if (i == UD_REPORT_MAX_FRAMES) {
      mfail(m, "report field %s has more than %d frames", key, UD_REPORT_MAX_FRAMES);
      return;
    }
    if (e->type != J_OBJ) {
      mfail(m, "report field %s[%d] is %s, expected an object", key, i, type_name(e->type));
      return;
    }
    get_frame(m, e, path, &out[i]);
  }
  *n = i;
}

static void map_report(mapper *m, const jval *root, ud_report *r) {
  if (root->type != J_OBJ) {
    mfail(m, "not a report: the JSON value is %s, expected an object", type_name(root->type));
    return;
  }
  char schema[64] = "";
  get_str(m, root, "", "schema", schema, sizeof schema);
  if (!m->failed && strcmp(schema, UD_REPORT_SCHEMA) != 0) {
    char buf[48];
    mfail(m, "unsupported report schema \"%s\" (this undead reads \"%s\")", shown(schema, buf),
          UD_REPORT_SCHEMA);
    return;
  }
  int64_t x = 0;
  r->kind = (enum ud_kind)get_word(m, root, "", "kind", UD_VOCAB_KIND);
  r->trigger = (enum ud_trigger)get_word(m, root, "", "trigger", UD_VOCAB_TRIGGER);
  get_i32(m, root, "", "pid", &r->pid);
  get_i32(m, root, "", "tid", &r->tid);
  get_int(m, root, "", "goid", INT64_MIN, INT64_MAX, &x);
  r->goid = x;
  get_int(m, root, "", "time_ns", INT64_MIN, INT64_MAX, &x);
  r->time_ns = x;
  get_str(m, root, "", "binary", r->binary, sizeof r->binary);
  get_str(m, root, "", "go_version", r->go_version, sizeof r->go_version);

  const jval *gate = member(m, root, "", "gate", J_OBJ);
  if (gate) {
    get_str(m, gate, "gate.", "func", r->gate_func, sizeof r->gate_func);
    get_i32(m, gate, "gate.", "depth", &r->gate_depth);
    get_addr(m, gate, "gate.", "frame_sp", &r->frame_sp);
    get_i32(m, gate, "gate.", "frame_size", &r->frame_size);
    get_site(m, gate, "x", &r->x_pc, r->x_file, sizeof r->x_file, &r->x_line, r->x_callee,
             sizeof r->x_callee);
    get_site(m, gate, "y", &r->y_pc, r->y_file, sizeof r->y_file, &r->y_line, r->y_callee,
             sizeof r->y_callee);
  }
  const jval *slot = member(m, root, "", "slot", J_OBJ);
  if (slot) {
    r->slot_kind = (enum ud_rslot)get_word(m, slot, "slot.", "kind", UD_VOCAB_SLOT_KIND);
    get_str(m, slot, "slot.", "name", r->slot_name, sizeof r->slot_name);
    get_i32(m, slot, "slot.", "sp_off", &r->slot_sp_off);
    get_addr(m, slot, "slot.", "addr", &r->slot_addr);
    get_addr(m, slot, "slot.", "value", &r->value);
    get_bool(m, slot, "slot.", "live_at_x", &r->live_at_x);
    get_bool(m, slot, "slot.", "live_at_y", &r->live_at_y);
  }
  const jval *pt = member(m, root, "", "points_to", J_OBJ);
  if (pt) {
    r->points_to = (enum ud_region)get_word(m, pt, "points_to.", "region", UD_VOCAB_REGION);
    get_int(m, pt, "points_to.", "old_hi_off", INT64_MIN, INT64_MAX, &x);
    r->old_hi_off = x;
    get_str(m, pt, "points_to.", "frame_func", r->old_frame_func, sizeof r->old_frame_func);
    get_i32(m, pt, "points_to.", "frame_off", &r->old_frame_off);
  }
  const jval *st = member(m, root, "", "stacks", J_OBJ);
  if (st) {
    get_int(m, st, "stacks.", "newsize", 0, INT64_MAX, &x);
    r->newsize = (uint64_t)x;
    const jval *old = member(m, st, "stacks.", "old", J_OBJ);
    if (old) {
      get_addr(m, old, "stacks.old.", "lo", &r->old_lo);
      get_addr(m, old, "stacks.old.", "hi", &r->old_hi);
    }
    const jval *nw = member(m, st, "stacks.", "new", J_OBJ);
    if (nw) {
      get_addr(m, nw, "stacks.new.", "lo", &r->new_lo);
      get_addr(m, nw, "stacks.new.", "hi", &r->new_hi);
    }
  }
  /* access came later than the rest of undead-report/1: a report written
   * before it is a report of no access. */
  const jval *ac = has_member(root, "access") ? member(m, root, "", "access", J_OBJ) : NULL;
  if (ac) {
    r->access = (enum ud_access)get_word(m, ac, "access.", "op", UD_VOCAB_ACCESS);
    get_frame(m, ac, "access.", &r->accessor);
  }
  get_frames(m, root, "go_stack", r->go_stack, &r->go_stack_n);
  get_frames(m, root, "c_stack", r->c_stack, &r->c_stack_n);
  get_str(m, root, "", "summary", r->summary, sizeof r->summary);
}

static void map_counts(mapper *m, const jval *root, ud_counts_record *c) {
  int64_t x = 0;
  get_i32(m, root, "", "pid", &c->pid);
  get_str(m, root, "", "binary", c->binary, sizeof c->binary);
  get_str(m, root, "", "go_version", c->go_version, sizeof c->go_version);
#define GET(member, help)                                  \
  get_int(m, root, "", #member, 0, INT64_MAX, &x);        \
  c->c.member = (uint64_t)x;
  UD_COUNTERS(GET)
#undef GET
}

enum ud_json_record ud_json_read_record(const char *text, size_t len, ud_report *r,
                                        ud_counts_record *c, char *why, size_t cap) {
  parser p = {.s = text, .len = len, .why = why, .cap = cap};
  jval *root = parse_value(&p, 0);
  if (root != NULL) {
    skip_ws(&p);
    if (p.pos != p.len)
      fail(&p, "unexpected data after the JSON value");
  }
  enum ud_json_record kind = UD_JSON_BAD;
  if (!p.failed) {
    mapper m = {.why = why, .cap = cap};
    char schema[64] = "";
    const jval *sv = root->type == J_OBJ ? member(&m, root, "", "schema", J_STR) : NULL;
    m.failed = false;
    if (sv != NULL)
      ud_str_fmt(schema, sizeof schema, "%s", sv->str);
    if (strcmp(schema, UD_COUNTS_SCHEMA) == 0 && c == NULL) {
      ud_str_fmt(why, cap, "a counts record (%s), not a report", UD_COUNTS_SCHEMA);
    } else if (strcmp(schema, UD_COUNTS_SCHEMA) == 0) {
      memset(c, 0, sizeof *c);
      map_counts(&m, root, c);
      kind = m.failed ? UD_JSON_BAD : UD_JSON_COUNTS;
    } else {
      memset(r, 0, sizeof *r);
      map_report(&m, root, r);
      kind = m.failed ? UD_JSON_BAD : UD_JSON_REPORT;
    }
  }
  arena_free(&p);
  return kind;
}

bool ud_json_read_report(const char *text, size_t len, ud_report *r, char *why, size_t cap) {
  return ud_json_read_record(text, len, r, NULL, why, cap) == UD_JSON_REPORT;
}
