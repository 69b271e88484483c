/* report_lines: a bounded line reader. */
#include "report_lines.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void ud_lines_init(ud_lines *l, int fd, char *buf, size_t max) {
  memset(l, 0, sizeof *l);
  l->fd = fd;
  l->buf = buf;
  l->max = max;
}

enum ud_line ud_lines_next(ud_lines *l, const char **line, size_t *len) {
  size_t cap = l->max + 1; /* a line of max bytes and its newline */
  for (;;) {
    char *nl = memchr(l->buf + l->start, '\n', l->end - l->start);
    if (nl != NULL || (l->eof && l->end > l->start)) {
      size_t n = nl ? (size_t)(nl - (l->buf + l->start)) : l->end - l->start;
      l->lineno++;
      if (n > l->max)
        return UD_LINE_TOO_LONG;
      *line = l->buf + l->start;
      *len = n;
      l->start += n + (nl != NULL);
      return UD_LINE_OK;
    }
    if (l->eof)
      return UD_LINE_END;
    if (l->end - l->start >= cap) {
      l->lineno++;
      return UD_LINE_TOO_LONG; /* max + 1 bytes and no newline */
    }
    if (l->start > 0) {
      memmove(l->buf, l->buf + l->start, l->end - l->start);
      l->end -= l->start;
      l->start = 0;
    }
    ssize_t r = read(l->fd, l->buf + l->end, cap - l->end);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      l->err = errno;
      return UD_LINE_ERROR;
    }
    if (r == 0)
      l->eof = true;
    l->end += (size_t)r;
  }
}
