/* layout_tables: runtime.g / runtime.m field offsets per Go minor version,
 * for binaries built without DWARF (-ldflags=-w, -s -w).
 *
 * Only versions whose offsets were read from a real linux/amd64 build are
 * listed; tests/e2e/layout_tables.sh checks every entry against the DWARF of
 * a fresh unstripped build with that toolchain (and against gdb's reading of
 * the same DWARF). Offsets within a minor version do not change across patch
 * releases: the runtime structs are not altered in point releases. */
#include "layout.h"

/* go1.26: gobuf lost ret; g gained syscallbp (Go 1.23) */
#define LAYOUT_GO126(src)                                                                    \
  {                                                                                          \
    .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16, .g_sched_sp = 56, .g_sched_pc = 64, \
    .g_sched_bp = 96, .g_syscallsp = 104, .g_syscallpc = 112, .g_syscallbp = 120, .g_m = 48,   \
    .g_atomicstatus = 144, .g_goid = 152, .m_g0 = 0, .m_curg = 184, .tls_g_offset = 0,         \
    .source = src                                                                            \
  }

static const ud_layout_table_entry tables[] = {
    /* go1.19: runtime/runtime2.go; gobuf has a ret field before lr/bp, no syscallbp */
    {119,
     {.g_stack_lo = 0,
      .g_stack_hi = 8,
      .g_stackguard0 = 16,
      .g_sched_sp = 56,
      .g_sched_pc = 64,
      .g_sched_bp = 104,
      .g_syscallsp = 112,
      .g_syscallpc = 120,
      .g_syscallbp = -1,
      .g_m = 48,
      .g_atomicstatus = 144,
      .g_goid = 152,
      .m_g0 = 0,
      .m_curg = 192,
      .tls_g_offset = 0,
      .source = "table go1.19"}},
    {126, LAYOUT_GO126("table go1.26")},
    {127, LAYOUT_GO126("table go1.27")}, /* unchanged in 1.27 */
};

const ud_layout_table_entry *ud_layout_tables(size_t *count) {
  *count = sizeof tables / sizeof tables[0];
  return tables;
}
