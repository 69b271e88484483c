/* undead run: exec a command with libundead.so preloaded.
 *
 * The library is found relative to the undead executable itself
 * (/proc/self/exe), so the same binary works in the build tree
 * (build/tools/undead -> build/shim/libundead.so) and installed
 * (PREFIX/BINDIR/undead -> PREFIX/LIBDIR/undead/libundead.so, UD_SHIMDIR
 * from meson.build). The command is
 * exec'd, not run as a child: its exit status (or the shim's abort) is the
 * status of `undead run`, and `go test -exec 'undead run --'` sees the test
 * binary's own status.
 *
 * LD_PRELOAD gets the library first, except after an ASan runtime: one
 * already preloaded stays in front of it, and a program linked against
 * one (gcc's -fsanitize=address, go build -asan) gets it preloaded in
 * front, since ASan refuses to start unless it comes first. A statically
 * linked program loads nothing, and the loader drops LD_PRELOAD's paths
 * for a setuid, setgid or file-capabilities program: each is run, with one
 * line saying it is not watched. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "options.h"
#include "run_target.h"

#ifndef UD_BINDIR
#define UD_BINDIR "bin"
#endif
#ifndef UD_SHIMDIR
#define UD_SHIMDIR "lib/undead"
#endif

/* %s: the format names (options.h), "|"-separated */
static const char usage[] =
    "usage: undead run [--log-dir DIR] [--format %s] [--stress] [--options K=V:...]\n"
    "                  [--] CMD ARGS...\n"
    "\n"
    "Runs CMD with libundead.so preloaded (put in front of any LD_PRELOAD, but after\n"
    "an ASan runtime, which is preloaded first when CMD is linked against one) and\n"
    "exits with CMD's status. A statically linked CMD, or one that runs setuid,\n"
    "setgid or with file capabilities (the loader drops LD_PRELOAD there), cannot be\n"
    "watched: it runs, after one line saying so. UNDEAD_OPTIONS is passed through;\n"
    "the options below are appended to it, so they win. ASAN_OPTIONS gets\n"
    "verify_asan_link_order=0 (unless it sets that flag), so that ASan programs CMD\n"
    "starts run with the shim.\n"
    "  --log-dir DIR   write reports to DIR/undead.PID (created; default format json,\n"
    "                  ready for 'undead report DIR'); stderr still gets each\n"
    "                  report's SUMMARY: line and the file it is in\n"
    "  --format F      report format: %s\n"
    "  --stress        move_on_callback=1:quarantine=1: every callback moves the\n"
    "                  goroutine's stack once, so each gets a relocation check, and the\n"
    "                  stacks left are held, checked for writes and made\n"
    "                  inaccessible (2 KiB ones too: they are served from pages of\n"
    "                  the shim's own), so an access is caught (slower callbacks)\n"
    "  --options SPEC  more UNDEAD_OPTIONS (key=value pairs separated by ':')\n"
    "In CI:  go test -exec 'undead run --log-dir reports --' ./...\n"
    "        undead report reports   (the reports, and what was checked)\n"
    "Exit status: CMD's; 2 bad usage, or CMD not started (libundead.so or the log\n"
    "directory unusable, out of memory); 126/127 CMD cannot be run; 3 this help\n"
    "could not be written.\n";

static bool is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/../ repeated `up` times, then rel; into out. */
static void join_up(char *out, size_t cap, const char *dir, int up, const char *rel) {
  size_t n = (size_t)snprintf(out, cap, "%s", dir);
  for (int i = 0; i < up && n < cap; i++)
    n += (size_t)snprintf(out + n, cap - n, "/..");
  if (n < cap)
    snprintf(out + n, cap - n, "/%s", rel);
}

static int path_depth(const char *rel) {
  int d = 0;
  for (const char *s = rel; *s;) {
    while (*s == '/')
      s++;
    if (!*s)
      break;
    d++;
    while (*s && *s != '/')
      s++;
  }
  return d;
}

/* Finds libundead.so; fills tried (for the error message) when it fails. */
static bool find_library(char *out, size_t cap, char *tried, size_t tcap) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    snprintf(tried, tcap, "/proc/self/exe unreadable: %s", strerror(errno));
    return false;
  }
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash == NULL)
    return false;
  *slash = '\0';
  const char *dir = self;

  char cand[5][PATH_MAX];
  int nc = 0;
  /* build tree: build/tools/undead, build/shim/libundead.so */
  join_up(cand[nc++], PATH_MAX, dir, 1, "shim/libundead.so");
  /* installed: up from BINDIR to the prefix, then the shim's directory */
  if (UD_SHIMDIR[0] == '/')
    snprintf(cand[nc++], PATH_MAX, "%s/libundead.so", UD_SHIMDIR);
  else if (UD_BINDIR[0] != '/')
    join_up(cand[nc++], PATH_MAX, dir, path_depth(UD_BINDIR), UD_SHIMDIR "/libundead.so");
  join_up(cand[nc++], PATH_MAX, dir, 1, "lib/libundead.so");
  join_up(cand[nc++], PATH_MAX, dir, 1, "lib64/libundead.so");
  size_t tl = 0;
  tried[0] = '\0';
  for (int i = 0; i < nc; i++) {
    if (is_file(cand[i]) && realpath(cand[i], out) != NULL && strlen(out) < cap)
      return true;
    if (tl < tcap)
      tl += (size_t)snprintf(tried + tl, tcap - tl, "%s%s", i ? ", " : "", cand[i]);
  }
  return false;
}

/* Appends ":spec" (or spec) to *opts. */
static char *append_opt(char *opts, const char *spec) {
  size_t a = opts ? strlen(opts) : 0, b = strlen(spec);
  char *r = malloc(a + b + 2);
  if (r == NULL)
    return NULL;
  if (a > 0) {
    memcpy(r, opts, a);
    r[a++] = ':';
  }
  memcpy(r + a, spec, b + 1);
  free(opts);
  return r;
}

/* mkdir -p */
static bool make_dirs(const char *path) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return false;
  }
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      return false;
    *p = '/';
  }
  if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
    return false;
  struct stat st;
  if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return false;
  }
  return true;
}

static void add_entry(char *list, const char *e) {
  if (list[0])
    strcat(list, ":");
  strcat(list, e);
}

/* The LD_PRELOAD to run with: lib once, right after the ASan runtime that
 * must come first (one in pre, else asan, the one the program needs, if
 * any), else first; every other entry of pre kept, in order. The dynamic
 * loader splits LD_PRELOAD on ':' and ' '. NULL: out of memory. */
static char *compose_preload(const char *pre, const char *lib, const char *asan) {
  size_t cap = strlen(lib) + strlen(asan) + (pre ? strlen(pre) : 0) + 3;
  char *out = calloc(1, cap), *copy = strdup(pre ? pre : ""), *scan = strdup(pre ? pre : "");
  if (out == NULL || copy == NULL || scan == NULL) {
    free(out), free(copy), free(scan);
    return NULL;
  }
  bool pre_asan = false;
  for (char *sv = NULL, *t = strtok_r(scan, ": ", &sv); t; t = strtok_r(NULL, ": ", &sv))
    pre_asan = pre_asan || ud_is_asan_runtime(t);
  if (!pre_asan && asan[0])
    add_entry(out, asan);
  bool placed = !pre_asan;
  if (placed)
    add_entry(out, lib);
  for (char *sv = NULL, *t = strtok_r(copy, ": ", &sv); t; t = strtok_r(NULL, ": ", &sv)) {
    if (strcmp(t, lib) == 0)
      continue;
    add_entry(out, t);
    if (!placed && ud_is_asan_runtime(t)) {
      add_entry(out, lib);
      placed = true;
    }
  }
  free(copy), free(scan);
  return out;
}

static bool has_key(const char *opts, const char *key) {
  size_t k = strlen(key);
  for (const char *p = opts; p && *p;) {
    if (strncmp(p, key, k) == 0 && p[k] == '=')
      return true;
    p = strchr(p, ':');
    if (p)
      p++;
  }
  return false;
}

/* An ASan program that CMD starts (a test binary's child, a build's test
 * program) inherits LD_PRELOAD with the shim in front of the ASan runtime
 * it links, and ASan would refuse to start ("ASan runtime does not come
 * first"). That order is safe here: the shim defines one dynamic symbol,
 * pthread_create, which calls the next definition (ASan's interceptor). So
 * ASAN_OPTIONS gets verify_asan_link_order=0, unless it sets that flag
 * already. false: out of memory. */
static bool asan_link_order_off(void) {
  static const char flag[] = "verify_asan_link_order=0";
  const char *cur = getenv("ASAN_OPTIONS");
  if (cur != NULL && strstr(cur, "verify_asan_link_order=") != NULL)
    return true;
  if (cur == NULL || cur[0] == '\0')
    return setenv("ASAN_OPTIONS", flag, 1) == 0;
  size_t n = strlen(cur) + sizeof flag + 1;
  char *v = malloc(n);
  if (v == NULL)
    return false;
  snprintf(v, n, "%s:%s", cur, flag);
  bool ok = setenv("ASAN_OPTIONS", v, 1) == 0;
  free(v);
  return ok;
}

int cmd_run(int argc, char **argv) {
  const char *log_dir = NULL, *format = NULL;
  char *extra = NULL;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-')
      break;
    if (strcmp(a, "--stress") == 0) {
      char spec[64];
      snprintf(spec, sizeof spec, "%s=1:%s=1", UD_OPTION_KEY(move_on_callback),
               UD_OPTION_KEY(quarantine));
      if ((extra = append_opt(extra, spec)) == NULL)
        goto nomem;
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      char bar[64], comma[64];
      ud_format_list(bar, sizeof bar, "|");
      ud_format_list(comma, sizeof comma, ", ");
      printf(usage, bar, comma);
      return 0;
    }
    const char *val = NULL;
    const char *names[] = {"--log-dir", "--format", "--options"};
    int which = -1;
    for (int k = 0; k < 3; k++) {
      size_t l = strlen(names[k]);
      if (strcmp(a, names[k]) == 0) {
        if (i + 1 >= argc) {
          fprintf(stderr, "undead run: %s needs a value (see undead run --help)\n", a);
          return 2;
        }
        val = argv[++i];
        which = k;
      } else if (strncmp(a, names[k], l) == 0 && a[l] == '=') {
        val = a + l + 1;
        which = k;
      }
      if (which >= 0)
        break;
    }
    if (which < 0) {
      fprintf(stderr, "undead run: unknown option '%s' (see undead run --help)\n", a);
      return 2;
    }
    if (which == 0) {
      log_dir = val;
    } else if (which == 1) {
      enum ud_format f;
      if (!ud_format_parse(val, strlen(val), &f)) {
        char names[64];
        ud_format_list(names, sizeof names, ", ");
        fprintf(stderr, "undead run: --format must be one of %s, not '%s'\n", names, val);
        return 2;
      }
      format = val;
    } else {
      if (val[0] == '\0' || strchr(val, '=') == NULL) {
        fprintf(stderr, "undead run: --options wants key=value pairs separated by ':', not '%s'\n",
                val);
        return 2;
      }
      if ((extra = append_opt(extra, val)) == NULL)
        goto nomem;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "undead run: no command given (usage: undead run [OPTIONS] [--] CMD ARGS...)\n");
    return 2;
  }

  char lib[PATH_MAX], tried[2048];
  if (!find_library(lib, sizeof lib, tried, sizeof tried)) {
    fprintf(stderr, "undead run: cannot find libundead.so (looked at %s)\n", tried);
    return 2;
  }
  if (strpbrk(lib, ": ") != NULL) {
    fprintf(stderr, "undead run: the library path %s contains ':' or ' ', which LD_PRELOAD "
                    "cannot hold\n", lib);
    return 2;
  }

  const char *env_opts = getenv("UNDEAD_OPTIONS");
  char *opts = env_opts && env_opts[0] ? strdup(env_opts) : NULL;
  if (env_opts && env_opts[0] && opts == NULL)
    goto nomem;
  if (log_dir) {
    /* absolute: `go test` runs each test binary in its package directory */
    char abs[PATH_MAX], spec[PATH_MAX + 16];
    if (!make_dirs(log_dir) || realpath(log_dir, abs) == NULL) {
      fprintf(stderr, "undead run: cannot create log directory %s: %s\n", log_dir,
              strerror(errno));
      return 2;
    }
    if (strchr(abs, ':') != NULL) {
      fprintf(stderr, "undead run: the log directory %s contains ':', which UNDEAD_OPTIONS "
                      "cannot hold\n", abs);
      return 2;
    }
    snprintf(spec, sizeof spec, "%s=%s/undead", UD_OPTION_KEY(log_path), abs);
    if ((opts = append_opt(opts, spec)) == NULL)
      goto nomem;
    if (!format && !has_key(env_opts, UD_OPTION_KEY(format)) && !has_key(extra, UD_OPTION_KEY(format)))
      format = "json";
  }
  if (format) {
    char spec[32];
    snprintf(spec, sizeof spec, "%s=%s", UD_OPTION_KEY(format), format);
    if ((opts = append_opt(opts, spec)) == NULL)
      goto nomem;
  }
  if (extra && (opts = append_opt(opts, extra)) == NULL)
    goto nomem;
  if (opts && setenv("UNDEAD_OPTIONS", opts, 1) != 0)
    goto nomem;

  ud_run_target target;
  if (ud_run_target_inspect(argv[i], &target) && target.elf && !target.dynamic)
    fprintf(stderr, "undead run: %s is statically linked (no PT_INTERP): nothing can be preloaded "
                    "into it, so it runs unwatched\n", target.path);
  else if (target.secure != NULL)
    fprintf(stderr, "undead run: %s is %s: it runs in secure-execution mode, where the dynamic "
                    "loader drops LD_PRELOAD's paths, so it runs unwatched\n", target.path,
            target.secure);
  char *np = compose_preload(getenv("LD_PRELOAD"), lib, target.asan);
  if (np == NULL || setenv("LD_PRELOAD", np, 1) != 0)
    goto nomem;
  free(np);
  if (!asan_link_order_off())
    goto nomem;
  free(opts);
  free(extra);

  execvp(argv[i], argv + i);
  int e = errno;
  fprintf(stderr, "undead run: cannot run %s: %s\n", argv[i], strerror(e));
  return e == ENOENT ? 127 : 126;

nomem:
  fprintf(stderr, "undead run: out of memory\n");
  return 2;
}
