#include <stdio.h>
#include "cmd.h"

int cmd_maps(int argc, char **argv) {
  fprintf(stderr, "undead maps: not built yet\n");
  return 2;
}
