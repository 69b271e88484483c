/* debuginfo: an image's DWARF for libdw, holding only the debug sections
 * the core reads (types, variables, location lists, ranges), inflated once;
 * or, for an image without DWARF, that of a separate debug file libdwfl
 * finds. Opened lazily and kept by the image (ud_image_dwarf). */
#ifndef UNDEAD_DEBUGINFO_H
#define UNDEAD_DEBUGINFO_H

#include <stdbool.h>

#include <elfutils/libdw.h>

#include "ud_error.h"
#include <libelf.h>

typedef struct ud_debuginfo ud_debuginfo;

/* The DWARF of the ELF file src (at path), or of its separate debug file. */
ud_debuginfo *ud_debuginfo_open(Elf *src, const char *path, ud_err *err);
Dwarf *ud_debuginfo_dwarf(const ud_debuginfo *di);
void ud_debuginfo_close(ud_debuginfo *di);
/* The separate debug file the DWARF came from, or NULL (the image's own). */
const char *ud_debuginfo_separate(const ud_debuginfo *di);

/* Where libdwfl looks for separate debug files (NULL: its default,
 * ":.debug:/usr/lib/debug"), and whether it may ask debuginfod servers
 * (DEBUGINFOD_URLS) at all: the tools may, the shim never does. */
void ud_debuginfo_configure(const char *path, bool network);

#endif
