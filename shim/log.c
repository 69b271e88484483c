#include "log.h"

#include <errno.h>
#include <stdarg.h>

#include "report.h"

void ud_log(const char *fmt, ...) {
  int saved = errno;
  char line[512];
  ud_out o;
  ud_out_init_mem(&o, line, sizeof line - 1); /* room for the newline */
  ud_out_str(&o, "undead: ");
  va_list ap;
  va_start(ap, fmt);
  ud_out_vfmt(&o, fmt, ap);
  va_end(ap);
  line[o.len++] = '\n';
  ud_out err;
  ud_out_init_fd(&err, 2, NULL, 0); /* unbuffered: straight to write(2) */
  ud_out_mem(&err, line, o.len);
  errno = saved;
}
