/* sites: the places in the runtime's code where the shim hooks in, found
 * and checked byte by byte in the binary (link-time addresses):
 *
 *   - every `CALL runtime.copystack` (rel32) in runtime.newstack (growth,
 *     and the forced moves of stackForceMove) and runtime.shrinkstack:
 *     the relocation check runs before each copy;
 *   - in runtime.cgocallbackg, the one `CALL runtime.exitsyscall` (a
 *     callback from C is entering Go: the C stack it came from must lie in
 *     the system stack bounds the runtime keeps, m.g0.stack; optional),
 *     the one `CALL runtime.cgocallbackg1`
 *     (after exitsyscall: the goroutine runs Go code from here on; where
 *     move_on_callback makes the stack move) and the one
 *     `CALL runtime.reentersyscall` (the callback is returning to C: the
 *     saved syscall state is about to be restored for the GC);
 *   - the one `CALL runtime.stackfree` in runtime.copystack, which frees
 *     the stack just left (quarantine=1 holds it instead; optional);
 *   - runtime.exit (ABI0: `MOVL 8(SP), DI; MOVL $SYS_exit_group, AX;
 *     SYSCALL`), where the shim writes its counts before the process ends
 *     (Go never runs C destructors);
 * and, read but not patched, how runtime.asmcgocall puts the goroutine
 * back on its stack when C returns (x86.h's ud_resume_rule), which the
 * callback-return check follows to where the gate will resume.
 * The same lists serve the shim (which patches them) and `undead doctor`
 * (which prints them): one answer. */
#ifndef UNDEAD_SITES_H
#define UNDEAD_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
#include "image.h"
#include "pclntab.h"
#include "x86.h"

enum { UD_SITES_MAX = 8, UD_STACK_SITES_MAX = 24 };

typedef struct ud_call_list {
  const char *caller, *callee;
  uint64_t callee_entry;
  uint64_t call[UD_SITES_MAX]; /* vaddr of each CALL rel32 */
  size_t n;
  char error[320];             /* why the list is unusable, or "" */
} ud_call_list;

/* Every CALL rel32 of runtime.stackalloc and of runtime.stackfree in the
 * runtime package, for own_small_stacks (check/ownstack.h): a stack the
 * shim served must come back to it, so every free is diverted or none. */
typedef struct ud_stack_sites {
  uint64_t alloc_entry, free_entry;
  uint64_t alloc[UD_STACK_SITES_MAX], free[UD_STACK_SITES_MAX];
  size_t nalloc, nfree;
  char error[200];     /* why they cannot be diverted, or "" */
} ud_stack_sites;

typedef struct ud_sites {
  ud_call_list growth;   /* newstack -> copystack */
  ud_call_list shrink;   /* shrinkstack -> copystack */
  ud_call_list cb_run;   /* cgocallbackg -> cgocallbackg1 */
  ud_call_list cb_return;/* cgocallbackg -> reentersyscall */
  ud_call_list left_free;/* copystack -> stackfree (the stack it left); optional */
  ud_call_list cb_enter; /* cgocallbackg -> exitsyscall (the callback enters Go); optional */
  uint64_t exit_entry;   /* runtime.exit's first instruction, 0 if not found */
  char exit_error[200];
  ud_resume_rule resume; /* valid when resume_error is "" */
  char resume_error[200];
} ud_sites;

/* The bytes runtime.exit starts with, on every release from 1.19. */
#define UD_EXIT_PROLOGUE "\x8b\x7c\x24\x08\xb8\xe7\x00\x00\x00\x0f\x05"
#define UD_EXIT_PROLOGUE_LEN 11

/* Fills *out. Returns false (with the first error in err) when a list the
 * shim needs is unusable; each list's own error says why. The exit site is
 * optional: without it the counts are not written at exit; so is the
 * resume rule: without it the resume point is not checked. */
bool ud_sites_find(const ud_image *img, const ud_pclntab *tab, ud_sites *out, ud_err *err);

/* Fills *out from the code of every runtime.* function (a few
 * milliseconds: only when the option asks for it, and in `undead doctor`).
 * False, with out->error, when a call cannot be patched or there are more
 * than UD_STACK_SITES_MAX of either. */
bool ud_sites_find_stacks(const ud_image *img, const ud_pclntab *tab, ud_stack_sites *out);

#endif
