/* report: the output sink and the duplicate signature.
 *
 * Everything here may run in a process about to abort, on a thread that
 * holds locks we cannot know about: no stdio, no malloc, no locks. Output
 * goes through a caller-owned buffer and write(2); the formatter below is
 * a small subset of printf that needs neither. */
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void ud_out_init_fd(ud_out *o, int fd, char *buf, size_t cap) {
  o->fd = fd;
  o->buf = buf;
  o->cap = cap;
  o->len = 0;
  o->overflow = false;
  o->error = false;
  o->err = 0;
  o->escape = false;
  o->timeout_ms = 0;
}

void ud_out_init_mem(ud_out *o, char *buf, size_t cap) {
  ud_out_init_fd(o, -1, buf, cap);
  if (cap > 0)
    buf[0] = '\0';
}

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until o->fd can take a byte, for at most o->timeout_ms in all:
 * signals (Go preempts its threads with SIGURG every few milliseconds)
 * interrupt the wait but do not restart the clock. */
static bool wait_for_room(ud_out *o) {
  int64_t deadline = now_ms() + o->timeout_ms;
  for (;;) {
    int64_t left = deadline - now_ms();
    struct pollfd pf = {.fd = o->fd, .events = POLLOUT};
    int r = left > 0 ? poll(&pf, 1, (int)left) : 0;
    if (r > 0)
      return true;
    if (r < 0 && errno == EINTR)
      continue;
    o->error = true;
    o->err = r == 0 ? ETIMEDOUT : errno;
    return false;
  }
}

/* With a timeout, each write waits for room first and is at most
 * PIPE_BUF bytes, which a pipe with room takes without blocking. */
static void write_all(ud_out *o, const char *p, size_t n) {
  while (n > 0 && !o->error) {
    size_t k = n;
    if (o->timeout_ms > 0) {
      if (!wait_for_room(o))
        return;
      if (k > PIPE_BUF)
        k = PIPE_BUF;
    }
    ssize_t w = write(o->fd, p, k);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      o->error = true;
      o->err = w < 0 ? errno : EIO; /* a write of 0 bytes makes no progress */
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

void ud_out_flush(ud_out *o) {
  if (o->fd < 0)
    return;
  if (o->len > 0)
    write_all(o, o->buf, o->len);
  o->len = 0;
}

void ud_out_mem(ud_out *o, const char *s, size_t n) {
  if (o->fd < 0) {
    /* A memory sink keeps one byte for the NUL so the buffer is always a
     * string; what does not fit is dropped and flagged. */
    if (o->cap == 0) {
      o->overflow = o->overflow || n > 0;
      return;
    }
    size_t room = o->cap - 1 - o->len;
    if (n > room) {
      n = room;
      o->overflow = true;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
    return;
  }
  if (o->cap == 0) {
    write_all(o, s, n);
    return;
  }
  while (n > 0) {
    if (o->len == o->cap)
      ud_out_flush(o);
    size_t room = o->cap - o->len;
    size_t k = n < room ? n : room;
    memcpy(o->buf + o->len, s, k);
    o->len += k;
    s += k;
    n -= k;
  }
}

void ud_out_escaped(ud_out *o, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* bytes of s[i - run, i) to write as they are */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    /* U+0080..U+009F (C2 80..C2 9F) are the 8-bit controls, CSI among them */
    bool c1 = c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
              (unsigned char)s[i + 1] <= 0x9f;
    if (c >= 0x20 && c != 0x7f && !c1) {
      run++;
      continue;
    }
    ud_out_mem(o, s + i - run, run);
    run = 0;
    for (int b = 0; b < (c1 ? 2 : 1); b++) {
      unsigned char x = (unsigned char)s[i + (size_t)b];
      char e[4] = {'\\', 'x', hex[x >> 4], hex[x & 15]};
      ud_out_mem(o, e, 4);
    }
    i += c1;
  }
  ud_out_mem(o, s + n - run, run);
}

void ud_out_str(ud_out *o, const char *s) {
  if (s == NULL)
    s = "(null)";
  ud_out_mem(o, s, strlen(s));
}

static void pad(ud_out *o, char c, int n) {
  while (n-- > 0)
    ud_out_mem(o, &c, 1);
}

/* Formats an unsigned value in base 10 or 16 into the end of tmp; returns
 * the start. */
static char *utoa(char *end, unsigned long long v, unsigned base, bool upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char *p = end;
  do {
    *--p = digits[v % base];
    v /= base;
  } while (v != 0);
  return p;
}

/* Supported: %% %c %s %d %i %u %x %X %p, the flags - 0 # +, a width and a
 * precision (for %s: at most that many bytes; both may be *), and the
 * length modifiers hh h l ll z j t. Anything else is written literally. */
void ud_out_vfmt(ud_out *o, const char *fmt, va_list ap) {
  const char *p = fmt;
  while (*p) {
    const char *q = p;
    while (*q && *q != '%')
      q++;
    if (q > p)
      ud_out_mem(o, p, (size_t)(q - p));
    if (*q == '\0')
      return;
    const char *spec = q++;
    bool left = false, zero = false, alt = false, plus = false;
    for (;; q++) {
      if (*q == '-') left = true;
      else if (*q == '0') zero = true;
      else if (*q == '#') alt = true;
      else if (*q == '+') plus = true;
      else break;
    }
    int width = 0, prec = -1;
    if (*q == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = true;
        width = -width;
      }
      q++;
    } else {
      while (*q >= '0' && *q <= '9')
        width = width * 10 + (*q++ - '0');
    }
    if (*q == '.') {
      q++;
      prec = 0;
      if (*q == '*') {
        prec = va_arg(ap, int);
        q++;
      } else {
        while (*q >= '0' && *q <= '9')
          prec = prec * 10 + (*q++ - '0');
      }
    }
    int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
    if (q[0] == 'h' && q[1] == 'h') { lng = -2; q += 2; }
    else if (q[0] == 'h') { lng = -1; q++; }
    else if (q[0] == 'l' && q[1] == 'l') { lng = 2; q += 2; }
    else if (q[0] == 'l') { lng = 1; q++; }
    else if (q[0] == 'z' || q[0] == 't') { lng = 3; q++; }
    else if (q[0] == 'j') { lng = 2; q++; }
    char conv = *q;
    if (conv == '\0') {
      ud_out_str(o, spec);
      return;
    }
    p = q + 1;
    char tmp[40];
    char *end = tmp + sizeof tmp;
    const char *body = NULL;
    size_t blen = 0;
    const char *prefix = "";
    switch (conv) {
    case '%':
      ud_out_mem(o, "%", 1);
      continue;
    case 'c': {
      tmp[0] = (char)va_arg(ap, int);
      body = tmp;
      blen = 1;
      zero = false;
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == NULL)
        s = "(null)";
      blen = 0;
      while (s[blen] && (prec < 0 || blen < (size_t)prec))
        blen++;
      body = s;
      zero = false;
      break;
    }
    case 'd':
    case 'i': {
      long long v;
      if (lng == 2) v = va_arg(ap, long long);
      else if (lng == 1) v = va_arg(ap, long);
      else if (lng == 3) v = (long long)va_arg(ap, ptrdiff_t);
      else if (lng == -1) v = (short)va_arg(ap, int);
      else if (lng == -2) v = (signed char)va_arg(ap, int);
      else v = va_arg(ap, int);
      unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
      body = utoa(end, u, 10, false);
      blen = (size_t)(end - body);
      prefix = v < 0 ? "-" : plus ? "+" : "";
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'p': {
      unsigned long long v;
      if (conv == 'p') { v = (unsigned long long)(uintptr_t)va_arg(ap, void *); alt = true; }
      else if (lng == 2) v = va_arg(ap, unsigned long long);
      else if (lng == 1) v = va_arg(ap, unsigned long);
      else if (lng == 3) v = va_arg(ap, size_t);
      else if (lng == -1) v = (unsigned short)va_arg(ap, unsigned);
      else if (lng == -2) v = (unsigned char)va_arg(ap, unsigned);
      else v = va_arg(ap, unsigned);
      bool hex = conv != 'u';
      body = utoa(end, v, hex ? 16 : 10, conv == 'X');
      blen = (size_t)(end - body);
      /* like printf, %#x of 0 is "0"; %p always says 0x */
      if (hex && alt && (v != 0 || conv == 'p'))
        prefix = conv == 'X' ? "0X" : "0x";
      break;
    }
    default:
      ud_out_mem(o, spec, (size_t)(p - spec));
      continue;
    }
    int digits_pad = 0;
    if ((conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X') && prec >= 0) {
      if ((size_t)prec > blen)
        digits_pad = prec - (int)blen;
      zero = false;
    }
    int total = (int)strlen(prefix) + digits_pad + (int)blen;
    int fill = width > total ? width - total : 0;
    if (!left && !zero)
      pad(o, ' ', fill);
    ud_out_str(o, prefix);
    if (!left && zero)
      pad(o, '0', fill);
    pad(o, '0', digits_pad);
    if (conv == 's' && o->escape)
      ud_out_escaped(o, body, blen);
    else
      ud_out_mem(o, body, blen);
    if (left)
      pad(o, ' ', fill);
  }
}

void ud_out_fmt(ud_out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(o, fmt, ap);
  va_end(ap);
}

void ud_str_fmt(char *buf, size_t cap, const char *fmt, ...) {
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(&o, fmt, ap);
  va_end(ap);
}

void ud_out_wrap(ud_out *o, const char *text, int indent, int width) {
  const char *s = text;
  while (*s) {
    while (*s == ' ')
      s++;
    if (!*s)
      break;
    int room = width - indent;
    const char *end = s, *cut = NULL;
    while (*end && end - s < room) {
      if (*end == ' ')
        cut = end;
      end++;
    }
    if (*end && cut != NULL && *end != ' ')
      end = cut;
    ud_out_fmt(o, "%*s%.*s\n", indent, "", (int)(end - s), s);
    s = end;
  }
}

const char *ud_report_basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* A g field by name: "g.syscallsp"; a field of the M's g0 is named from
 * the M already ("m.g0.sched.sp"). */
static void put_g_field(ud_out *o, const char *name) {
  if (strncmp(name, "m.", 2) == 0)
    ud_out_str(o, name);
  else
    ud_out_fmt(o, "g.%s", name);
}

void ud_report_slot_label(const ud_report *r, char *buf, size_t cap) {
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  if (r->slot_kind == UD_RSLOT_G)
    put_g_field(&o, r->slot_name[0] ? r->slot_name : "?");
  else if (r->slot_kind == UD_RSLOT_STACK_WORD)
    ud_out_fmt(&o, "%s+%d", r->old_frame_func[0] ? r->old_frame_func : "?", r->old_frame_off);
  else if (r->slot_name[0])
    ud_out_str(&o, r->slot_name);
  else
    ud_out_fmt(&o, "%s@sp+%d", ud_rslot_name(r->slot_kind), r->slot_sp_off);
}

/* The signature leaves out everything that changes from run to run
 * (addresses, pids, goroutine ids, the trigger), the directories of the
 * files (they differ between machines and GOROOTs) and the slot's name;
 * what is left names the defect: which slot of which gate frame, between
 * which X and Y lines (a jump: which C function makes it; a C argument:
 * which word of which wrapper's block). */
void ud_report_signature(const ud_report *r, char *buf, size_t cap) {
  ud_out o;
  ud_out_init_mem(&o, buf, cap);
  ud_out_fmt(&o, "%s|%s|", ud_kind_name(r->kind), r->gate_func);
  /* A frame slot by its offset, not its name: the name needs DWARF, which
   * one build of a program may have and another (go test's) not. */
  if (r->slot_kind == UD_RSLOT_G)
    put_g_field(&o, r->slot_name);
  else if (r->slot_kind == UD_RSLOT_STACK_WORD) { /* the frame that held the word */
    ud_out_fmt(&o, "%s@%s+%d", ud_rslot_name(r->slot_kind), r->old_frame_func, r->old_frame_off);
    if (r->access != UD_ACCESS_NONE) /* a read and a write of it are two defects */
      ud_out_fmt(&o, ":%s", ud_access_name(r->access));
  } else if (r->slot_kind == UD_RSLOT_C_ARG) { /* the cgo wrapper and the word's offset */
    ud_out_fmt(&o, "%s@%s", ud_rslot_name(r->slot_kind), r->slot_name);
  } else if (r->slot_kind == UD_RSLOT_JMP_BUF) { /* the C function that jumps, by name */
    const char *f = r->c_stack_n > 0 ? r->c_stack[0].func : "?";
    ud_out_fmt(&o, "%s@%.*s", ud_rslot_name(r->slot_kind), (int)strcspn(f, "+"), f);
  } else
    ud_out_fmt(&o, "%s@sp+%d", ud_rslot_name(r->slot_kind), r->slot_sp_off);
  ud_out_fmt(&o, "|%s:%d|%s:%d", ud_report_basename(r->x_file), r->x_line,
             ud_report_basename(r->y_file), r->y_line);
}

uint64_t ud_signature_hash(const char *sig) {
  uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
  for (const unsigned char *p = (const unsigned char *)sig; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t ud_report_signature_hash(const ud_report *r) {
  char sig[UD_SIGNATURE_MAX];
  ud_report_signature(r, sig, sizeof sig);
  return ud_signature_hash(sig);
}
