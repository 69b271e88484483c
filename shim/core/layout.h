/* layout: where the runtime keeps what undead reads, for one binary.
 *
 * Every field comes from up to three sources, read independently:
 *   - the binary's own type descriptors (typedesc.h), present in every Go
 *     binary, stripped or not: the first source;
 *   - DWARF, when the binary (or a separate debug file) has Go's;
 *   - the table for the binary's Go release (goversion.h), when there is
 *     one for exactly that release.
 * Every source that can be read must agree on every field; any
 * disagreement is an error naming the field and the sources. */
#ifndef UNDEAD_LAYOUT_H
#define UNDEAD_LAYOUT_H

#include <stdint.h>

#include "ud_error.h"
#include "image.h"
#include "pclntab.h"

enum ud_layout_struct { UD_STRUCT_G, UD_STRUCT_M };

/* One row per field read anywhere in undead:
 *   X(member, struct, path inside it, width in bytes, optional)
 * An optional field is -1 where the release does not have it. */
#define UD_LAYOUT_FIELDS(X)                                                                   \
  X(g_stack_lo, UD_STRUCT_G, "stack.lo", 8, false)                                            \
  X(g_stack_hi, UD_STRUCT_G, "stack.hi", 8, false)                                            \
  X(g_stackguard0, UD_STRUCT_G, "stackguard0", 8, false)                                      \
  X(g_sched_sp, UD_STRUCT_G, "sched.sp", 8, false)                                            \
  X(g_sched_pc, UD_STRUCT_G, "sched.pc", 8, false)                                            \
  X(g_sched_bp, UD_STRUCT_G, "sched.bp", 8, false)                                            \
  X(g_syscallsp, UD_STRUCT_G, "syscallsp", 8, false)                                          \
  X(g_syscallpc, UD_STRUCT_G, "syscallpc", 8, false)                                          \
  X(g_syscallbp, UD_STRUCT_G, "syscallbp", 8, true) /* Go 1.23+ */                            \
  X(g_m, UD_STRUCT_G, "m", 8, false)                                                          \
  X(g_lockedm, UD_STRUCT_G, "lockedm", 8, false)                                              \
  X(g_atomicstatus, UD_STRUCT_G, "atomicstatus", 4, false)                                    \
  X(g_goid, UD_STRUCT_G, "goid", 8, false)                                                    \
  X(m_g0, UD_STRUCT_M, "g0", 8, false)                                                        \
  X(m_curg, UD_STRUCT_M, "curg", 8, false)                                                    \
  X(m_ncgo, UD_STRUCT_M, "ncgo", 4, false)

typedef struct ud_layout {
#define UD_LAYOUT_MEMBER(member, st, path, width, optional) int32_t member;
  UD_LAYOUT_FIELDS(UD_LAYOUT_MEMBER)
#undef UD_LAYOUT_MEMBER
  char source[64]; /* the first source read: "type descriptors", "DWARF", "table go1.19" */
  char agreed[96]; /* the other sources that agree on every field, or "" */
} ud_layout;

/* The fields, for iteration (tests, doctor, the cross-check). */
typedef struct ud_layout_field {
  const char *member; /* "g_syscallsp" */
  const char *name;   /* "g.syscallsp" */
  enum ud_layout_struct st;
  const char *path;   /* "syscallsp", inside the struct */
  uint8_t width;
  bool optional;
  size_t offset;      /* of the member in ud_layout */
} ud_layout_field;
const ud_layout_field *ud_layout_fields(size_t *count);
static inline int32_t ud_layout_get(const ud_layout *l, const ud_layout_field *f) {
  return *(const int32_t *)((const char *)l + f->offset);
}

enum ud_layout_source { UD_LSRC_TYPES, UD_LSRC_DWARF, UD_LSRC_TABLE, UD_LSRC_COUNT };

/* What each source gave: a full layout, or why not. */
typedef struct ud_layout_sources {
  bool ok[UD_LSRC_COUNT];
  ud_layout each[UD_LSRC_COUNT];
  char why[UD_LSRC_COUNT][256];
  char where[160]; /* where the type descriptor of runtime.g was found */
} ud_layout_sources;

const char *ud_layout_source_name(enum ud_layout_source s);

/* Reads every source (sources may be NULL), cross-checks them and fills
 * *out from the first that could be read. Fails with UD_E_UNSUPPORTED when
 * no source can be read, UD_E_CORRUPT when two disagree. */
int ud_layout_load(const ud_image *img, const ud_pclntab *tab, ud_layout *out,
                   ud_layout_sources *sources, ud_err *err);
/* The same, with DWARF read only when with_dwarf (else that source is
 * "not read": the type descriptors and the table still cross-check each
 * other). */
int ud_layout_load_opt(const ud_image *img, const ud_pclntab *tab, bool with_dwarf, ud_layout *out,
                       ud_layout_sources *sources, ud_err *err);

/* The pieces, for tests and `undead doctor`. */
int ud_layout_from_types(const ud_image *img, const ud_pclntab *tab, ud_layout *out,
                         char *where, size_t cap, ud_err *err);
int ud_layout_from_dwarf(const ud_image *img, ud_layout *out, ud_err *err);
int ud_layout_from_table(int version, ud_layout *out, ud_err *err);

/* The first field where a and b differ (NULL if none). */
const ud_layout_field *ud_layout_diff(const ud_layout *a, const ud_layout *b);

#endif
