/* hook: redirecting runtime.copystack through the shim.
 *
 * Every `CALL rel32` to runtime.copystack (in runtime.newstack: growth; in
 * runtime.shrinkstack: shrink) is rewritten to call a stub mapped within
 * +-2 GiB of the text, which jumps to the trampoline (trampoline.S), which
 * calls ud_on_copystack and tail-jumps to the real copystack. The patch is
 * made in the constructor, before the Go runtime runs. */
#ifndef UNDEAD_HOOK_H
#define UNDEAD_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "pclntab.h"

enum { UD_HOOK_MAX_SITES = 8 };

typedef struct ud_hook_sites {
  uint64_t growth_ret[UD_HOOK_MAX_SITES]; /* runtime return addresses */
  uint64_t shrink_ret[UD_HOOK_MAX_SITES];
  size_t ngrowth, nshrink;
  uint64_t copystack;                     /* runtime address of copystack */
  uint64_t stub;                          /* runtime address of the stub */
} ud_hook_sites;

/* Finds the sites (and checks them byte by byte) without patching. */
bool ud_hook_find(const ud_image *img, const ud_pclntab *tab, uint64_t bias, ud_hook_sites *out,
                  char *why, size_t cap);

/* Maps the stub and patches every site found. On failure nothing is left
 * patched. */
bool ud_hook_install(ud_hook_sites *sites, char *why, size_t cap);

/* Called by the trampoline on the system stack, before the real copystack
 * (defined in verify.c). */
void ud_on_copystack(uintptr_t gp, uintptr_t newsize, uintptr_t ret);

#endif
