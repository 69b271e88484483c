/* shim: the state libundead.so sets up once in its constructor and only
 * reads afterwards. */
#ifndef UNDEAD_SHIM_H
#define UNDEAD_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hook.h"
#include "image.h"
#include "layout.h"
#include "options.h"
#include "pclntab.h"

typedef struct ud_shim_state {
  ud_options opt;
  ud_image *img;
  ud_pclntab *tab;
  ud_layout layout;
  uint64_t bias;          /* run-time address - link-time vaddr */
  ud_hook_sites hooks;
  char binary[4096];      /* /proc/self/exe: up to PATH_MAX */
  char go_version[32];
  int go_minor;
} ud_shim_state;

extern ud_shim_state ud_shim;

#endif
