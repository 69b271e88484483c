/* pclntab: the Go function table (.gopclntab), decoded lazily and in place.
 *
 * Supported: the Go 1.18/1.19 format (magic 0xfffffff0) and the Go 1.20+
 * format (magic 0xfffffff1), including Go 1.26+ where the header's textStart
 * is 0 and the text start comes from runtime.text. Lookups by PC are binary
 * searches over the function table; nothing is copied. All PCs here are
 * link-time vaddrs. */
#ifndef UNDEAD_PCLNTAB_H
#define UNDEAD_PCLNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
#include "image.h"

/* PCDATA and FUNCDATA table indices (runtime/symtab.go, internal/abi),
 * identical for Go 1.18 through current. */
enum {
  UD_PCDATA_UnsafePoint = 0,
  UD_PCDATA_StackMapIndex = 1,
  UD_PCDATA_InlTreeIndex = 2,
  UD_PCDATA_ArgLiveIndex = 3,
};
enum {
  UD_FUNCDATA_ArgsPointerMaps = 0,
  UD_FUNCDATA_LocalsPointerMaps = 1,
  UD_FUNCDATA_StackObjects = 2,
  UD_FUNCDATA_InlTree = 3,
  UD_FUNCDATA_OpenCodedDeferInfo = 4,
  UD_FUNCDATA_ArgInfo = 5,
  UD_FUNCDATA_ArgLiveInfo = 6,
  UD_FUNCDATA_WrapInfo = 7,
};

/* _func.args of assembly functions without a declared argument size. */
#define UD_ARGS_SIZE_UNKNOWN (-0x7fffffff - 1)

typedef struct ud_pclntab ud_pclntab;

/* A function: a small value handle, valid while its table lives. */
typedef struct ud_func {
  const ud_pclntab *tab;
  const uint8_t *raw; /* the _func record */
  uint64_t entry;     /* vaddr of the first instruction */
  uint64_t end;       /* vaddr just past the last (next function's entry) */
} ud_func;

ud_pclntab *ud_pclntab_open(const ud_image *img, ud_err *err);
void ud_pclntab_close(ud_pclntab *tab);

uint32_t ud_pclntab_magic(const ud_pclntab *tab);
uint64_t ud_pclntab_text_start(const ud_pclntab *tab);
size_t ud_pclntab_nfuncs(const ud_pclntab *tab);
const ud_image *ud_pclntab_image(const ud_pclntab *tab);
/* moduledata.gofunc: the base of FUNCDATA offsets; 0 if it was not found. */
uint64_t ud_pclntab_gofunc(const ud_pclntab *tab);
/* moduledata.types/etypes: the type descriptors' section, base of their
 * name offsets; false if they were not found. */
bool ud_pclntab_types(const ud_pclntab *tab, uint64_t *lo, uint64_t *hi);

bool ud_pclntab_func_at(const ud_pclntab *tab, size_t index, ud_func *out);
/* The function containing pc (entry <= pc < end). */
bool ud_pclntab_find_func(const ud_pclntab *tab, uint64_t pc, ud_func *out);
/* By exact name: the first function carrying it. The names the core looks
 * up (runtime.asmcgocall, runtime.copystack, crosscall2, ...: the list in
 * pclntab.c) come from an index made in one pass over the table at open;
 * any other name costs a pass of its own. */
enum { UD_PCLNTAB_INDEXED = 16, UD_PCLNTAB_PER_NAME = 4 };
bool ud_pclntab_func_by_name(const ud_pclntab *tab, const char *name, ud_func *out);
/* Every function carrying the name (an ABI0 body and its wrapper share
 * one), in table order, at most cap (UD_PCLNTAB_PER_NAME for an indexed
 * name); how many were written. */
size_t ud_pclntab_funcs_by_name(const ud_pclntab *tab, const char *name, ud_func *out, size_t cap);
/* The Go functions exported to C (//export: cmd/cgo's _cgoexp_ functions),
 * counted in the same pass. */
size_t ud_pclntab_nexports(const ud_pclntab *tab);
/* The text from the first function of the runtime package (runtime.*) to
 * the end of its last, from the same pass; false if it has none. */
bool ud_pclntab_runtime_text(const ud_pclntab *tab, uint64_t *lo, uint64_t *hi);

const char *ud_func_name(const ud_func *f);
int32_t ud_func_args(const ud_func *f);      /* argument area size in bytes */
uint8_t ud_func_id(const ud_func *f);        /* abi.FuncID */
uint8_t ud_func_flag(const ud_func *f);      /* abi.FuncFlag */
uint32_t ud_func_deferreturn(const ud_func *f);
uint32_t ud_func_npcdata(const ud_func *f);
uint8_t ud_func_nfuncdata(const ud_func *f);

/* pcvalue lookups at pc. Return false (value untouched) if the table is
 * absent or pc is outside the function; a corrupt table also gives false. */
bool ud_func_spdelta(const ud_func *f, uint64_t pc, int32_t *out);
bool ud_func_pcdata(const ud_func *f, uint32_t table, uint64_t pc, int32_t *out);
bool ud_func_fileline(const ud_func *f, uint64_t pc, const char **file, int32_t *line);

/* FUNCDATA pointer (into the image), or NULL if absent. Only its first 8
 * bytes are known to be in the file: check more with ud_image_at on the
 * address from ud_func_funcdata_addr. */
const uint8_t *ud_func_funcdata(const ud_func *f, uint8_t index);
bool ud_func_funcdata_addr(const ud_func *f, uint8_t index, uint64_t *vaddr);

/* Iterates the runs of a pcvalue table: calls fn(pc_lo, pc_hi, value) for each
 * run, in order. table: UD_PCTAB_SP, UD_PCTAB_FILE, UD_PCTAB_LINE, or a
 * PCDATA index. Returns false if the table is absent or corrupt. */
enum { UD_PCTAB_SP = 1000, UD_PCTAB_FILE, UD_PCTAB_LINE };
typedef bool (*ud_pcrun_fn)(void *ctx, uint64_t lo, uint64_t hi, int32_t value);
bool ud_func_pcruns(const ud_func *f, uint32_t table, ud_pcrun_fn fn, void *ctx);

#endif
