/* undead: find undead pointers in Go programs that use cgo. */
#include <stdio.h>
#include <string.h>

#include "debuginfo.h"

#include "cmd.h"

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
  "Exit status: 0 clean, 1 findings, 2 usage or input error.\n"
  "Run 'undead COMMAND --help' for a command's options.\n";

int main(int argc, char **argv) {
  undead_argv0 = argv[0];
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  /* Separate debug files: a user-invoked tool may ask debuginfod servers
   * (DEBUGINFOD_URLS), as elfutils' own tools do. */
  ud_debuginfo_configure(NULL, true);
  const char *c = argv[1];
  if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
    fputs(usage, stdout);
    return 0;
  }
  if (!strcmp(c, "maps")) return cmd_maps(argc - 1, argv + 1);
  if (!strcmp(c, "scan")) return cmd_scan(argc - 1, argv + 1);
  if (!strcmp(c, "run")) return cmd_run(argc - 1, argv + 1);
  if (!strcmp(c, "doctor")) return cmd_doctor(argc - 1, argv + 1);
  if (!strcmp(c, "report")) return cmd_report(argc - 1, argv + 1);
  fprintf(stderr, "undead: unknown command '%s' (see undead --help)\n", c);
  return 2;
}
