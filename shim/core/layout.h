/* layout: where the runtime keeps what undead reads, for one binary.
 *
 * Field offsets of runtime.g and runtime.m come from the binary's DWARF
 * (libdw) when it has it, else from a per-Go-version table; the table is
 * used only for the exact Go minor versions it lists, and a test checks every
 * entry against the DWARF of a real build. The TLS offset of g is read from
 * the code (runtime.load_g / runtime.settls users), never assumed. */
#ifndef UNDEAD_LAYOUT_H
#define UNDEAD_LAYOUT_H

#include <stdint.h>

#include "error.h"
#include "image.h"
#include "pclntab.h"

typedef struct ud_layout {
  /* runtime.g; -1 if the field does not exist in this version */
  int32_t g_stack_lo, g_stack_hi;
  int32_t g_stackguard0;
  int32_t g_sched_sp, g_sched_pc, g_sched_bp;
  int32_t g_syscallsp, g_syscallpc, g_syscallbp; /* syscallbp: Go 1.23+ */
  int32_t g_m;
  int32_t g_atomicstatus;
  int32_t g_goid;
  /* runtime.m */
  int32_t m_g0, m_curg;
  /* g is at FS:tls_g_offset (negative) in threads running Go or C code */
  int64_t tls_g_offset;
  char source[64]; /* "dwarf" or "table go1.19" */
} ud_layout;

/* Fills *out from DWARF if present, else from the table for the image's Go
 * version; fails with UD_E_UNSUPPORTED if neither can vouch for it. */
int ud_layout_load(const ud_image *img, const ud_pclntab *tab, ud_layout *out,
                   ud_err *err);

/* The pieces, for tests and `undead doctor`. */
/* The fields the shim cannot work without (g.stack, g.sched.sp/pc,
 * g.syscallsp/pc, g.m, g.atomicstatus, g.goid, m.g0, m.curg) that `l`
 * lacks: writes up to cap names, returns how many are missing. */
size_t ud_layout_missing(const ud_layout *l, const char **names, size_t cap);

int ud_layout_from_dwarf(const ud_image *img, ud_layout *out, ud_err *err);
int ud_layout_from_table(int go_minor, ud_layout *out, ud_err *err);
int ud_layout_tls_g_offset(const ud_image *img, const ud_pclntab *tab,
                           int64_t *out, ud_err *err);

/* Table iteration for the table-vs-DWARF test. */
typedef struct ud_layout_table_entry {
  int go_minor; /* e.g. 119 */
  ud_layout layout;
} ud_layout_table_entry;
const ud_layout_table_entry *ud_layout_tables(size_t *count);

#endif
