#include <stdio.h>
#include "cmd.h"

int cmd_run(int argc, char **argv) {
  fprintf(stderr, "undead run: not built yet\n");
  return 2;
}
