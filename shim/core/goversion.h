/* goversion: what undead knows that differs between Go releases, in one
 * table with one version scale.
 *
 * A version is UD_GO(1, N) = 100 + N: Go 1.19 is 119, Go 1.27 is 127. A
 * row holds the facts undead reads from a binary of that release that the
 * binary itself does not describe (moduledata offsets, where the runtime
 * parks a goroutine in C) and, for releases built and checked here, the
 * runtime layout as their DWARF gives it, used to cross-check the layout
 * read from the binary's own type descriptors.
 *
 * A binary newer than every row gets the newest row's facts with exact ==
 * false: each fact is then checked against the binary before it is used
 * (see the callers), never assumed. */
#ifndef UNDEAD_GOVERSION_H
#define UNDEAD_GOVERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UD_GO(major, minor) ((major) * 100 + (minor))

struct ud_layout;

typedef struct ud_goversion {
  int version;  /* UD_GO(1, N) */
  bool tested;  /* built, run and checked with that toolchain in the tests */
  /* runtime.moduledata (runtime/symtab.go), byte offsets on amd64 */
  uint16_t md_types, md_etypes; /* the type descriptors' section */
  uint16_t md_rodata, md_gofunc;
  uint16_t md_epclntab;         /* 0: none (gofunc is then below the pcHeader) */
  /* gosave_systemstack_switch leaves g.sched.pc at systemstack_switch +
   * this while a goroutine is in C */
  uint8_t switch_pc_off;
  /* The layout DWARF gives for that release (tests/e2e/layout_sources.sh
   * checks each against a real build); NULL where none was checked. */
  const struct ud_layout *layout;
} ud_goversion;

/* The row for `version`: the exact one (*exact = true), or, for a version
 * newer than every row, the newest (*exact = false). NULL for versions
 * older than the oldest row or unknown (version <= 0). */
const ud_goversion *ud_goversion_find(int version, bool *exact);

/* All rows, oldest first. */
const ud_goversion *ud_goversion_rows(size_t *count);

/* "1.19" for 119, into buf. */
const char *ud_goversion_name(int version, char *buf, size_t cap);

#endif
