/* probe: can the shim work on this binary? One answer, computed once, for
 * the shim's start-up and for `undead doctor` alike.
 *
 * The probe gathers every fact the shim depends on (Go release, cgo,
 * linking, the runtime layout and its sources, where goroutines in C are
 * parked, the gate frames and their slots, the hook sites, whether any
 * Go function is exported to C) and lists, once each, the reasons the shim
 * cannot work. No reason: the shim can work. A binary that can be watched
 * but has no exported Go function can have no callback, so nothing will
 * ever be checked: that is said (nothing_to_watch), not a reason. */
#ifndef UNDEAD_PROBE_H
#define UNDEAD_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gate_funcs.h"
#include "goversion.h"
#include "image.h"
#include "layout.h"
#include "pclntab.h"
#include "sites.h"
#include "stackmap.h"

enum { UD_PROBE_GATES = 16, UD_PROBE_SLOTS = 48, UD_PROBE_REASONS = 12 };

/* A gate frame and the pointer slots live at X, each marked live at Y or
 * not (an undead candidate). */
typedef struct ud_gate_desc {
  ud_gate_func gate;
  const char *name;            /* the function's */
  const char *x_file, *y_file; /* source positions of the X and Y calls ("" unknown) */
  int32_t x_line, y_line;
  bool usable;
  char error[256];
  int32_t frame_size;  /* spdelta at X (== at Y) */
  size_t nslots, ncand;
  ud_live_slot slots[UD_PROBE_SLOTS];
  bool live_at_y[UD_PROBE_SLOTS];
  char names[UD_PROBE_SLOTS][48]; /* the Go variable, or "" (ud_gate_slot_name) */
} ud_gate_desc;

typedef struct ud_probe {
  /* the binary */
  const char *go_version;  /* NULL if none was found */
  int release;             /* UD_GO(1, N); 0 unknown */
  const ud_goversion *row; /* NULL: older than every row or unknown */
  bool row_exact;          /* false: newer than every row */
  bool cgo, dynamic, pie, library, symtab, dwarf, go_dwarf;
  const char *dwarf_separate; /* the separate debug file read, or NULL */
  bool dwarf_read;            /* DWARF was looked for (with_dwarf) */
  size_t nfuncs;
  uint32_t magic;
  size_t nexports;         /* Go functions exported to C (//export) */
  /* the runtime */
  bool layout_ok;
  ud_layout layout;
  ud_layout_sources sources;
  char layout_error[256];
  bool park_ok;
  ud_gate_park park;
  char park_error[256];
  size_t ngates, nusable, ngates_total;
  ud_gate_desc gates[UD_PROBE_GATES];
  char gates_error[320];
  bool sites_ok;
  ud_sites sites;
  /* the verdict */
  size_t nreasons;
  char reasons[UD_PROBE_REASONS][320];
  bool nothing_to_watch; /* can work, but no callback is possible */
} ud_probe;

/* Fills *p (a large struct: allocate it). Never fails: what cannot be
 * read becomes a reason. tab may be NULL (no function table): tab_error
 * then says why (ud_pclntab_open's message), or is NULL. */
void ud_probe_binary(const ud_image *img, const ud_pclntab *tab, const char *tab_error, ud_probe *p);
/* The same, reading DWARF (the layout's cross-check, Go's DWARF or not, a
 * separate debug file, slot names) only when with_dwarf: the shim's
 * default start-up does without it (names come at report time,
 * ud_gate_slot_name). ud_probe_binary is with_dwarf = true. */
void ud_probe_binary_opt(const ud_image *img, const ud_pclntab *tab, const char *tab_error,
                         bool with_dwarf, ud_probe *p);

static inline bool ud_probe_can_work(const ud_probe *p) { return p->nreasons == 0; }

#endif
