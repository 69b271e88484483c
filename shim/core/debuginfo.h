/* debuginfo: an image's DWARF for libdw, holding only the debug sections
 * the core reads (types, variables, location lists, ranges), inflated once.
 * Opened lazily and kept by the image (ud_image_dwarf). */
#ifndef UNDEAD_DEBUGINFO_H
#define UNDEAD_DEBUGINFO_H

#include <elfutils/libdw.h>

#include "error.h"
#include "image.h"

typedef struct ud_debuginfo ud_debuginfo;

ud_debuginfo *ud_debuginfo_open(const ud_image *img, ud_err *err);
Dwarf *ud_debuginfo_dwarf(const ud_debuginfo *di);
void ud_debuginfo_close(ud_debuginfo *di);

#endif
