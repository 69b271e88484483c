#include <stdio.h>
#include "cmd.h"

int cmd_scan(int argc, char **argv) {
  fprintf(stderr, "undead scan: not built yet\n");
  return 2;
}
