/* undead: find undead pointers in Go programs that use cgo. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "debuginfo.h"

#include "cmd.h"
#include "text_out.h"

const char *undead_argv0;

static const char usage[] =
  "usage: undead COMMAND [ARGS]\n"
  "\n"
  "Commands:\n"
  "  run [--] CMD ARGS...     run CMD with libundead.so preloaded\n"
  "  doctor BINARY            say whether the shim can work on BINARY, and why\n"
  "  scan [--json] BINARY     list gate frames and their undead candidate slots\n"
  "  maps BINARY FUNC         live pointer slots at each call site of FUNC\n"
  "  report [OPTIONS] FILE... group JSON reports, render text or SARIF\n"
  "\n"
  "Exit status: 0 clean, 1 findings, 2 usage or input error (out of memory\n"
  "included), 3 the output could not be written; report exits 1 when it read\n"
  "reports even if other input was damaged (each damaged file named on\n"
  "stderr), 2 when input was damaged and no report read, 4 when out of\n"
  "memory; run exits with CMD's status once CMD starts.\n"
  "Run 'undead COMMAND --help' for a command's options.\n";

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
    {"run", cmd_run},   {"doctor", cmd_doctor}, {"scan", cmd_scan},
    {"maps", cmd_maps}, {"report", cmd_report},
};

/* What a command printed must have reached stdout: a full disk or a closed
 * pipe is an error, not a clean result. Commands that write stdout
 * themselves with write(2) check it and return UD_EXIT_OUTPUT. */
static int check_stdout(const char *cmd, int status) {
  if (status == UD_EXIT_OUTPUT)
    return status;
  errno = 0;
  bool bad = fflush(stdout) != 0;
  int e = errno;
  bad = bad || ferror(stdout);
  if (fclose(stdout) != 0 && !bad) {
    bad = true;
    e = errno;
  }
  if (!bad)
    return status;
  fprintf(stderr, "undead%s%s: cannot write to stdout: %s\n", cmd ? " " : "", cmd ? cmd : "",
          e ? strerror(e) : "write error");
  return UD_EXIT_OUTPUT;
}

int main(int argc, char **argv) {
  undead_argv0 = argv[0];
  /* Names from binaries and files stay text on a terminal (text_out.h). */
  if (!ud_text_out_install()) {
    fputs("undead: out of memory\n", stderr);
    return UD_EXIT_INPUT;
  }
  if (argc < 2) {
    fputs(usage, stderr);
    return UD_EXIT_INPUT;
  }
  /* Separate debug files: a user-invoked tool may ask debuginfod servers
   * (DEBUGINFOD_URLS), as elfutils' own tools do. */
  ud_debuginfo_configure(NULL, true);
  const char *c = argv[1];
  if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
    fputs(usage, stdout);
    return check_stdout(NULL, UD_EXIT_CLEAN);
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(c, commands[i].name))
      return check_stdout(c, commands[i].run(argc - 1, argv + 1));
  fprintf(stderr, "undead: unknown command '%s' (see undead --help)\n", c);
  return UD_EXIT_INPUT;
}
