/* report_out: rendering a report to its file descriptor, and the fallback
 * to stderr. Runs while the program is about to stop: write(2) through the
 * report library, messages through ud_log, no stdio, no malloc. */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* A log that takes no byte for this long (log_path=stdout on a pipe nobody
 * drains) is given up, and the report goes to stderr. A log file never
 * waits: only regular files are opened. */
enum { STREAM_TIMEOUT_MS = 5000 };

static char outbuf[16384];
static bool stdout_stuck; /* a write to stdout timed out once */

enum ud_log_kind ud_log_kind(const char *log_path) {
  if (log_path[0] == '\0' || strcmp(log_path, "stderr") == 0)
    return UD_LOG_STDERR;
  return strcmp(log_path, "stdout") == 0 ? UD_LOG_STDOUT : UD_LOG_FILE;
}

/* Renders r to o; returns 0, or the errno of the write that failed. */
static int render_to(const ud_report *r, enum ud_format f, ud_out *o) {
  switch (f) {
  case UD_FORMAT_JSON:
    ud_report_render_json(r, o);
    break;
  case UD_FORMAT_SARIF: {
    const ud_report *one = r;
    ud_report_render_sarif(&one, 1, o);
    break;
  }
  default:
    ud_report_render_text(r, o, false);
    break;
  }
  ud_out_flush(o);
  return o->error ? o->err : 0;
}

/* strerror may translate, and so allocate; the description table does
 * neither. */
static const char *describe(int err) {
  const char *d = strerrordesc_np(err);
  return d ? d : "unknown error";
}

static const char *type_words(mode_t m) {
  return S_ISLNK(m) ? "a symbolic link, not followed" : S_ISDIR(m) ? "a directory"
       : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
       : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* The rule for appending to a PATH.PID that exists: a regular file of this
 * process's effective user with no other name. Anything else may be
 * another user's trap in a shared directory (a hard link to a file of the
 * victim's, a FIFO that blocks) or no file at all. False with why filled. */
static bool may_append(const struct stat *st, char *why, size_t cap) {
  if (!S_ISREG(st->st_mode))
    ud_str_fmt(why, cap, "%s", type_words(st->st_mode));
  else if (st->st_uid != geteuid())
    ud_str_fmt(why, cap, "owned by uid %u, not by this process's %u", (unsigned)st->st_uid,
               (unsigned)geteuid());
  else if (st->st_nlink != 1)
    ud_str_fmt(why, cap, "a file with %lu hard links", (unsigned long)st->st_nlink);
  else
    return true;
  return false;
}

/* Opens PATH (PATH.PID of log_path) as a log, the way a tool preloaded
 * into other people's programs must: a new file is created with O_EXCL
 * (never through a link; mode 0600, since a report holds the addresses of
 * a process that may go on running, halt_on_error=0); an existing one is
 * appended to only when may_append says so, checked before opening it (so
 * that a FIFO or a device is never opened) and again on what was opened
 * (so that a swap between the two is seen). O_NOFOLLOW refuses a symbolic
 * link at the last component; O_NONBLOCK keeps the open itself from
 * waiting. Read and write: end_the_last_line reads the last byte.
 * Returns the fd, or -1 with why filled. */
static int open_log(const char *path, char *why, size_t cap) {
  const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
  for (int attempt = 0; attempt < 3; attempt++) {
    int fd = open(path, flags | O_CREAT | O_EXCL, 0600);
    if (fd >= 0)
      return fd;
    if (errno != EEXIST)
      break;
    struct stat before, after;
    if (lstat(path, &before) != 0) {
      if (errno == ENOENT)
        continue; /* removed since: create it again */
      break;
    }
    if (!may_append(&before, why, cap))
      return -1;
    fd = open(path, flags);
    if (fd < 0) {
      if (errno == ENOENT)
        continue;
      if (errno == ELOOP)
        ud_str_fmt(why, cap, "%s", type_words(S_IFLNK));
      else
        ud_str_fmt(why, cap, "%s", describe(errno));
      return -1;
    }
    if (fstat(fd, &after) != 0) {
      ud_str_fmt(why, cap, "%s", describe(errno));
    } else if (after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
      ud_str_fmt(why, cap, "replaced while it was being opened");
    } else if (may_append(&after, why, cap)) {
      return fd;
    }
    close(fd);
    return -1;
  }
  ud_str_fmt(why, cap, "%s", describe(errno));
  return -1;
}

/* A write cut short (a full disk, the file size limit) leaves a line
 * without its end; what is appended next starts a line of its own, so
 * that it is not lost in the cut one. */
static void end_the_last_line(int fd) {
  struct stat st;
  char last;
  if (fd > 2 && fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 &&
      last != '\n') {
    ssize_t w = write(fd, "\n", 1);
    (void)w; /* if even this fails, the write that follows says so */
  }
}

/* Writes one document (rendered by fn) where log_path says, falling back
 * to stderr with one line saying why. Returns where it went: the log file
 * (path, filled), or a stream. */
typedef int (*render_fn)(const void *ctx, ud_out *o);
enum where { TO_STREAM, TO_FILE };

static int render_fd(render_fn fn, const void *ctx, int fd, int timeout_ms) {
  ud_out o;
  ud_out_init_fd(&o, fd, outbuf, sizeof outbuf);
  o.timeout_ms = timeout_ms;
  return fn(ctx, &o);
}

static enum where write_to_log(const char *log_path, render_fn fn, const void *ctx,
                               const char *what, char *path, size_t cap) {
  enum ud_log_kind kind = ud_log_kind(log_path);
  if (kind == UD_LOG_STDERR) {
    render_fd(fn, ctx, 2, 0); /* nowhere else to go if this fails */
    return TO_STREAM;
  }
  int fd, timeout_ms = 0;
  if (kind == UD_LOG_STDOUT) {
    ud_str_fmt(path, cap, "stdout");
    fd = 1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
      timeout_ms = STREAM_TIMEOUT_MS; /* a pipe, a terminal: it may stop taking bytes */
    if (__atomic_load_n(&stdout_stuck, __ATOMIC_RELAXED)) {
      ud_log("cannot write the %s to stdout (it took nothing before): it follows on stderr", what);
      render_fd(fn, ctx, 2, 0);
      return TO_STREAM;
    }
  } else {
    ud_str_fmt(path, cap, "%s.%d", log_path, (int)getpid());
    char why[128];
    fd = open_log(path, why, sizeof why);
    if (fd < 0) {
      ud_log("cannot open %s (%s): the %s follows on stderr", path, why, what);
      render_fd(fn, ctx, 2, 0);
      return TO_STREAM;
    }
  }
  end_the_last_line(fd);
  int err = render_fd(fn, ctx, fd, timeout_ms);
  if (fd > 2 && close(fd) != 0 && err == 0 && errno != EINTR)
    err = errno; /* a network file system may report the failure only now */
  if (err == ETIMEDOUT)
    __atomic_store_n(&stdout_stuck, true, __ATOMIC_RELAXED); /* the next record need not wait */
  if (err != 0) {
    ud_log("cannot write the %s to %s (%s): it follows on stderr", what, path,
           err == ETIMEDOUT ? "it took nothing for 5 seconds" : describe(err));
    render_fd(fn, ctx, 2, 0);
    return TO_STREAM;
  }
  return fd > 2 ? TO_FILE : TO_STREAM;
}

typedef struct report_ctx {
  const ud_report *r;
  enum ud_format f;
} report_ctx;

static int render_report(const void *p, ud_out *o) {
  const report_ctx *c = p;
  return render_to(c->r, c->f, o);
}

void ud_report_write(const ud_report *r, enum ud_format f, const char *log_path) {
  report_ctx c = {r, f};
  char path[sizeof(ud_opt_path) + 16];
  if (write_to_log(log_path, render_report, &c, "report", path, sizeof path) != TO_FILE)
    return;
  /* The test log shows what happened and where the whole report is. */
  ud_out o;
  ud_out_init_fd(&o, 2, outbuf, sizeof outbuf);
  ud_report_render_summary(r, &o);
  ud_out_flush(&o);
  ud_log("the report is in %s", path);
}

typedef struct bytes_ctx {
  const char *s;
  size_t n;
} bytes_ctx;

/* Unbuffered: the record is already rendered, and the exit path that
 * writes it holds no lock, so it must not touch the report's buffer. */
static int write_bytes(const void *p, ud_out *o) {
  const bytes_ctx *c = p;
  ud_out u = *o;
  u.buf = NULL;
  u.cap = 0;
  ud_out_mem(&u, c->s, c->n);
  return u.error ? u.err : 0;
}

void ud_record_write(const char *text, size_t len, const char *log_path) {
  bytes_ctx c = {text, len};
  char path[sizeof(ud_opt_path) + 16];
  write_to_log(log_path, write_bytes, &c, "record", path, sizeof path);
}
