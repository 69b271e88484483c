#include "log.h"

#include <errno.h>
#include <stdarg.h>

#include "report.h"

void ud_log(const char *fmt, ...) {
  int saved = errno;
  /* Long enough for the start-up line with two long source paths; a line
   * that does not fit ends in "..." so a cut is never mistaken for the end. */
  char line[2048];
  static const char cut[] = "...";
  ud_out o;
  ud_out_init_mem(&o, line, sizeof line - sizeof cut); /* room for "...\n" */
  o.escape = true; /* program and file names stay text on a terminal */
  ud_out_str(&o, "undead: ");
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(&o, fmt, ap);
  va_end(ap);
  if (o.overflow)
    for (size_t i = 0; i < sizeof cut - 1; i++)
      line[o.len++] = cut[i];
  line[o.len++] = '\n';
  ud_out err;
  ud_out_init_fd(&err, 2, NULL, 0); /* unbuffered: straight to write(2) */
  ud_out_mem(&err, line, o.len);
  errno = saved;
}
