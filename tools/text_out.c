/* text_out: stdio streams that escape a terminal's control bytes. */
#include "text_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

typedef struct sink {
  int fd;
  bool c2;  /* a 0xC2 held back from the last write: it may begin a C1 control */
} sink;

/* Writes s[0..n) escaped, newlines and tabs as they are, in as few
 * write(2)s as stdio would have made (a reader that stops early, such as
 * grep -q, must have got what one write gave it); false on a write error
 * (errno set). */
static bool put(sink *k, const char *s, size_t n) {
  char buf[8192];
  ud_out o;
  ud_out_init_fd(&o, k->fd, buf, sizeof buf);
  size_t start = 0;
  for (size_t i = 0; i <= n && !o.error; i++) {
    if (i < n && s[i] != '\n' && s[i] != '\t')
      continue;
    ud_out_escaped(&o, s + start, i - start);
    if (i < n)
      ud_out_mem(&o, s + i, 1);
    start = i + 1;
  }
  ud_out_flush(&o);
  if (o.error)
    errno = o.err;
  return !o.error;
}

static ssize_t sink_write(void *p, const char *buf, size_t n) {
  sink *k = p;
  if (n == 0)
    return 0;
  /* A C1 control is two bytes that a buffer boundary may split. */
  char first[2];
  size_t skip = 0;
  if (k->c2) {
    k->c2 = false;
    first[0] = (char)0xc2;
    first[1] = buf[0];
    if (!put(k, first, 2))
      return 0;
    skip = 1;
  }
  size_t len = n - skip;
  if (len > 0 && (unsigned char)buf[n - 1] == 0xc2) {
    k->c2 = true;
    len--;
  }
  if (!put(k, buf + skip, len))
    return 0; /* stdio's convention for a cookie: 0 is an error */
  return (ssize_t)n;
}

static int sink_close(void *p) {
  sink *k = p;
  bool ok = !k->c2 || put(k, "\xc2", 1);
  free(k);
  return ok ? 0 : EOF;
}

static FILE *open_sink(int fd, const char *mode) {
  sink *k = calloc(1, sizeof *k);
  if (k == NULL)
    return NULL;
  k->fd = fd;
  FILE *f = fopencookie(k, mode, (cookie_io_functions_t){.write = sink_write, .close = sink_close});
  if (f == NULL)
    free(k);
  return f;
}

bool ud_text_out_install(void) {
  FILE *out = open_sink(1, "w"), *err = open_sink(2, "w");
  if (out == NULL || err == NULL) {
    if (out)
      fclose(out);
    if (err)
      fclose(err);
    return false;
  }
  setvbuf(err, NULL, _IONBF, 0);
  if (isatty(1))
    setvbuf(out, NULL, _IOLBF, 0);
  stdout = out;
  stderr = err;
  return true;
}
