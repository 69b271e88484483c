/* goversion: the per-release table.
 *
 * moduledata offsets are read from each release's runtime/symtab.go (1.20
 * added covctrs/ecovctrs before types; epclntab, after gofunc, appeared in
 * 1.26; 1.27 added typedesclen after types
 * and itaboffset/itabsize after etypes); the layouts are what the DWARF of
 * a real linux/amd64 build of that release gives, and
 * tests/e2e/layout_sources.sh checks each tested row against a fresh build
 * (and gdb's reading of it). Offsets do not change within a release: the
 * runtime's structs are not altered in point releases. */
#include "goversion.h"

#include <stdio.h>

#include "layout.h"

/* runtime.g and runtime.m, in the order of UD_LAYOUT_FIELDS:
 * stack.lo, stack.hi, stackguard0, sched.sp, sched.pc, sched.bp (gobuf's last
 * word, just before syscallsp), syscallsp,
 * syscallpc, syscallbp, m, lockedm, atomicstatus, goid, m.g0, m.curg,
 * m.ncgo. */
#define LAYOUT(sys_sp, sysbp, lockedm, status, goid, curg, ncgo)                               \
  {                                                                                            \
    .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16, .g_sched_sp = 56, .g_sched_pc = 64, \
    .g_sched_bp = (sys_sp) - 8,                                                                \
    .g_syscallsp = (sys_sp), .g_syscallpc = (sys_sp) + 8, .g_syscallbp = (sysbp), .g_m = 48,   \
    .g_lockedm = (lockedm), .g_atomicstatus = (status), .g_goid = (goid), .m_g0 = 0,           \
    .m_curg = (curg), .m_ncgo = (ncgo)                                                         \
  }

/* gobuf has ret (1.19-1.24): syscallsp at 112 */
static const ud_layout go119 = LAYOUT(112, -1, 232, 144, 152, 192, 312);
static const ud_layout go121 = LAYOUT(112, -1, 208, 144, 152, 192, 312);
static const ud_layout go122 = LAYOUT(112, -1, 208, 144, 152, 192, 304);
/* g gained syscallbp */
static const ud_layout go123 = LAYOUT(112, 128, 216, 152, 160, 192, 304);
/* gobuf lost ret (1.25) */
static const ud_layout go126 = LAYOUT(104, 120, 208, 144, 152, 184, 328);

/* moduledata: types, etypes, rodata, gofunc, epclntab (0: none) */
#define MD119 .md_types = 280, .md_etypes = 288, .md_rodata = 296, .md_gofunc = 304, .md_epclntab = 0
#define MD120 .md_types = 296, .md_etypes = 304, .md_rodata = 312, .md_gofunc = 320, .md_epclntab = 0
#define MD126 .md_types = 296, .md_etypes = 304, .md_rodata = 312, .md_gofunc = 320, .md_epclntab = 328
#define MD127 .md_types = 296, .md_etypes = 312, .md_rodata = 336, .md_gofunc = 344, .md_epclntab = 352

static const ud_goversion rows[] = {
    {.version = UD_GO(1, 19), .tested = true, MD119, .switch_pc_off = 0, .layout = &go119},
    {.version = UD_GO(1, 20), .tested = false, MD120, .switch_pc_off = 0, .layout = NULL},
    {.version = UD_GO(1, 21), .tested = true, MD120, .switch_pc_off = 8, .layout = &go121},
    {.version = UD_GO(1, 22), .tested = true, MD120, .switch_pc_off = 8, .layout = &go122},
    {.version = UD_GO(1, 23), .tested = true, MD120, .switch_pc_off = 8, .layout = &go123},
    {.version = UD_GO(1, 24), .tested = false, MD120, .switch_pc_off = 8, .layout = NULL},
    {.version = UD_GO(1, 25), .tested = false, MD120, .switch_pc_off = 8, .layout = NULL},
    {.version = UD_GO(1, 26), .tested = true, MD126, .switch_pc_off = 8, .layout = &go126},
    {.version = UD_GO(1, 27), .tested = true, MD127, .switch_pc_off = 8, .layout = &go126},
};
enum { NROWS = sizeof rows / sizeof rows[0] };

const ud_goversion *ud_goversion_find(int version, bool *exact) {
  *exact = false;
  if (version < rows[0].version)
    return NULL;
  for (size_t i = 0; i < NROWS; i++)
    if (rows[i].version == version) {
      *exact = true;
      return &rows[i];
    }
  return version > rows[NROWS - 1].version ? &rows[NROWS - 1] : NULL;
}

const ud_goversion *ud_goversion_rows(size_t *count) {
  *count = NROWS;
  return rows;
}

const char *ud_goversion_name(int version, char *buf, size_t cap) {
  snprintf(buf, cap, "%d.%d", version / 100, version % 100);
  return buf;
}
