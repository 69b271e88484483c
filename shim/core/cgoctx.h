/* cgoctx: where a cgo binary keeps its cgo context function.
 *
 * The C side of runtime/cgo calls the context function at the entry and
 * exit of every callback (C -> Go); installing our own there is how the
 * shim sees callbacks. Three things matter:
 *   - the C setter: Go 1.19's x_cgo_set_context_function(fn) or current
 *     Go's x_cgo_set_traceback_functions(&{Traceback, Context, Symbolizer});
 *   - the Go variable runtime.SetCgoTraceback calls the setter through
 *     (_cgo_set_context_function / _cgo_set_traceback_functions), present
 *     only when the program links SetCgoTraceback;
 *   - the C static that holds the function (cgo_context_function).
 * With a symbol table these are read from it. Without one (`-ldflags=-s`,
 * as `go test` links its test binaries), they are found in the code: the
 * variable among the words runtime.SetCgoTraceback loads, the static as the
 * first word _cgo_wait_runtime_init_done loads, reached from any //export
 * wrapper, which calls it first. Every route that applies must agree. */
#ifndef UNDEAD_CGOCTX_H
#define UNDEAD_CGOCTX_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"
#include "pclntab.h"

typedef struct ud_cgo_context {
  uint64_t set_context;   /* vaddr of x_cgo_set_context_function, or 0 */
  uint64_t set_traceback; /* vaddr of x_cgo_set_traceback_functions, or 0 */
  uint64_t setter_var;    /* vaddr of the Go variable; 0: SetCgoTraceback not linked */
  uint64_t slot;          /* vaddr of the C static; 0 when not needed or not found */
  const char *source;     /* "symbol table" or "code" */
} ud_cgo_context;

/* Reads the 8-byte word at a link-time vaddr: from the file for the tools,
 * from memory (after relocation) for the shim. False if unreadable. */
typedef bool (*ud_word_reader)(void *ctx, uint64_t vaddr, uint64_t *out);

/* The reader over the file itself (ctx: the ud_image), for the tools. */
bool ud_cgo_file_word(void *img, uint64_t vaddr, uint64_t *out);

/* Fills *out. UD_E_NOT_FOUND when the binary has no way in (no setter, and
 * no //export function to find the static from: no callbacks to watch);
 * UD_E_CORRUPT when the routes disagree. */
int ud_cgo_context_find(const ud_image *img, const ud_pclntab *tab, ud_word_reader read,
                        void *read_ctx, ud_cgo_context *out, ud_err *err);

#endif
