/* attach: watching one Go runtime (start-up).
 *
 * Runs once per Go image, before any of its goroutines can move a stack
 * (the constructor, or the shim's pthread_create for a Go library). May
 * allocate (the shim's private allocator), lock (the attach lock is the
 * caller's), read files. */
#ifndef UNDEAD_ATTACH_H
#define UNDEAD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "options.h"
#include "rt.h"

/* Probes the image, describes its gates and hooks its runtime (attach.c).
 * NULL with why set when the shim cannot work there; *quiet when that
 * needs no line (an image without cgo). library: a Go library (c-shared)
 * rather than the executable. */
ud_rt *ud_rt_attach(ud_image *img, const char *path, uint64_t bias, bool library,
                    const ud_options *opt, bool *quiet, char *why, size_t cap);

#endif
