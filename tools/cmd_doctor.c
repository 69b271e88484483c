#include <stdio.h>
#include "cmd.h"

int cmd_doctor(int argc, char **argv) {
  fprintf(stderr, "undead doctor: not built yet\n");
  return 2;
}
