/* report_out: rendering a report to its file descriptor, and the fallback
 * to stderr. Runs while the program is about to stop: write(2) through the
 * report library, messages through ud_log, no stdio, no malloc. */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char outbuf[16384];

/* Renders r to fd; returns 0, or the errno of the write that failed. */
static int render_to(const ud_report *r, enum ud_format f, int fd) {
  ud_out o;
  ud_out_init_fd(&o, fd, outbuf, sizeof outbuf);
  switch (f) {
  case UD_FORMAT_JSON:
    ud_report_render_json(r, &o);
    break;
  case UD_FORMAT_SARIF: {
    const ud_report *one = r;
    ud_report_render_sarif(&one, 1, &o);
    break;
  }
  default:
    ud_report_render_text(r, &o, false);
    break;
  }
  ud_out_flush(&o);
  return o.error ? o.err : 0;
}

/* strerror may translate, and so allocate; the description table does
 * neither. */
static const char *describe(int err) {
  const char *d = strerrordesc_np(err);
  return d ? d : "unknown error";
}

/* Opens PATH for appending without ever blocking: O_NONBLOCK makes a FIFO
 * without a reader fail at once (ENXIO) instead of waiting forever; then
 * writes block again, so that a slow reader gets the whole report. */
static int open_log(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
  if (fd < 0)
    return -1;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* Writes one document (rendered by fn) where log_path says, falling back
 * to stderr with one line saying why. */
typedef int (*render_fn)(const void *ctx, int fd);

static void write_to_log(const char *log_path, render_fn fn, const void *ctx, const char *what) {
  if (log_path[0] == '\0' || strcmp(log_path, "stderr") == 0) {
    fn(ctx, 2); /* nowhere else to go if this fails */
    return;
  }
  char path[sizeof(ud_opt_path) + 16];
  int fd;
  if (strcmp(log_path, "stdout") == 0) {
    ud_str_fmt(path, sizeof path, "stdout");
    fd = 1;
  } else {
    ud_str_fmt(path, sizeof path, "%s.%d", log_path, (int)getpid());
    fd = open_log(path);
    if (fd < 0) {
      ud_log("cannot open %s (%s): the %s follows on stderr", path, describe(errno), what);
      fn(ctx, 2);
      return;
    }
  }
  int err = fn(ctx, fd);
  if (fd > 2 && close(fd) != 0 && err == 0 && errno != EINTR)
    err = errno; /* a network file system may report the failure only now */
  if (err != 0) {
    ud_log("cannot write the %s to %s (%s): it follows on stderr", what, path, describe(err));
    fn(ctx, 2);
  }
}

typedef struct report_ctx {
  const ud_report *r;
  enum ud_format f;
} report_ctx;

static int render_report(const void *p, int fd) {
  const report_ctx *c = p;
  return render_to(c->r, c->f, fd);
}

void ud_report_write(const ud_report *r, enum ud_format f, const char *log_path) {
  report_ctx c = {r, f};
  write_to_log(log_path, render_report, &c, "report");
}

typedef struct bytes_ctx {
  const char *s;
  size_t n;
} bytes_ctx;

/* Unbuffered: the record is already rendered, and the exit path that
 * writes it holds no lock, so it must not touch the report's buffer. */
static int write_bytes(const void *p, int fd) {
  const bytes_ctx *c = p;
  ud_out o;
  ud_out_init_fd(&o, fd, NULL, 0);
  ud_out_mem(&o, c->s, c->n);
  return o.error ? o.err : 0;
}

void ud_record_write(const char *text, size_t len, const char *log_path) {
  bytes_ctx c = {text, len};
  write_to_log(log_path, write_bytes, &c, "record");
}
