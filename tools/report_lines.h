/* report_lines: the lines of a file, each at most `max` bytes, read with
 * read(2) into one caller-owned buffer of max + 1 bytes. Memory never grows
 * with the input: a line longer than max is refused, not buffered. */
#ifndef UNDEAD_REPORT_LINES_H
#define UNDEAD_REPORT_LINES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ud_lines {
  int fd;
  char *buf;
  size_t max;        /* longest line accepted, its newline not counted */
  size_t start, end; /* the bytes read and not yet returned: buf[start..end) */
  long lineno;       /* of the line last returned (or refused) */
  bool eof;
  int err;           /* errno of a failed read */
} ud_lines;

enum ud_line {
  UD_LINE_OK,        /* *line, *len: the next line, without its newline */
  UD_LINE_END,       /* no more lines */
  UD_LINE_TOO_LONG,  /* line lineno is longer than max: reading stops */
  UD_LINE_ERROR,     /* read(2) failed with err */
};

/* buf must hold max + 1 bytes. */
void ud_lines_init(ud_lines *l, int fd, char *buf, size_t max);
enum ud_line ud_lines_next(ud_lines *l, const char **line, size_t *len);

#endif
