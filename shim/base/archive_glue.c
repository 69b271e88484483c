/* archive_glue: what the archives linked into the shim need from libc that
 * a shared object cannot take from it as they ask, or that must allocate
 * from the shim's allocator.
 *
 * strdup, strndup, realpath(p, NULL), __asprintf_chk, __getdelim: libdw
 * frees what these return, and inside the shim free() is the private
 * jemalloc's (alloc.c); libc's would have allocated from the program's
 * malloc. Hidden definitions here, made with the shim's malloc, take their
 * place for every object linked into libundead.so.
 *
 * stdin, stdout, stderr: the shim's own copies.
 * libbz2.a's bzlib.o (linked into the shim with the other compression
 * archives) reads these libc variables PC-relatively, as position-
 * independent executables may, which a shared object cannot do without a
 * text relocation. Hidden definitions here satisfy those references inside
 * libundead.so; they hold libc's FILE pointers, copied at load (libc sets
 * them before any constructor and never changes them). Nothing outside the
 * shim sees them. */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define HIDDEN __attribute__((visibility("hidden")))

typedef struct _IO_FILE FILE;

int vsnprintf(char *, size_t, const char *, va_list);
int getc(FILE *);
char *__realpath_chk(const char *, char *, size_t);

HIDDEN char *strndup(const char *s, size_t n) {
  size_t l = strnlen(s, n);
  char *d = malloc(l + 1);
  if (d != NULL) {
    memcpy(d, s, l);
    d[l] = '\0';
  }
  return d;
}

HIDDEN char *strdup(const char *s) {
  size_t l = strlen(s) + 1;
  char *d = malloc(l);
  return d != NULL ? memcpy(d, s, l) : NULL;
}

HIDDEN char *realpath(const char *path, char *resolved) {
  char buf[PATH_MAX];
  char *r = __realpath_chk(path, resolved != NULL ? resolved : buf, PATH_MAX);
  return r == NULL || resolved != NULL ? r : strdup(buf);
}

HIDDEN int __asprintf_chk(char **out, int flag, const char *fmt, ...) {
  (void)flag;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  *out = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (*out == NULL)
    return -1;
  va_start(ap, fmt);
  vsnprintf(*out, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return n;
}

HIDDEN ssize_t __getdelim(char **line, size_t *cap, int delim, FILE *f) {
  size_t n = 0;
  for (int c;;) {
    if (*line == NULL || n + 2 > *cap) {
      size_t nc = *cap < 120 ? 120 : *cap * 2;
      char *p = realloc(*line, nc);
      if (p == NULL)
        return -1;
      *line = p, *cap = nc;
    }
    if ((c = getc(f)) == -1)
      break;
    (*line)[n++] = (char)c;
    if (c == delim)
      break;
  }
  (*line)[n] = '\0';
  return n > 0 ? (ssize_t)n : -1;
}


HIDDEN FILE *stdin, *stdout, *stderr;

__attribute__((constructor(101))) static void ud_stdio_local_init(void) {
  FILE **p;
  if ((p = dlsym(RTLD_DEFAULT, "stdin")) != NULL)
    stdin = *p;
  if ((p = dlsym(RTLD_DEFAULT, "stdout")) != NULL)
    stdout = *p;
  if ((p = dlsym(RTLD_DEFAULT, "stderr")) != NULL)
    stderr = *p;
}

