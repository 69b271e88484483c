#include <stdio.h>
#include "cmd.h"

int cmd_report(int argc, char **argv) {
  fprintf(stderr, "undead report: not built yet\n");
  return 2;
}
