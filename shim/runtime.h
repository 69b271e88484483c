/* runtime: reading the Go runtime's g and m of the running process.
 *
 * Offsets come from the core's layout (DWARF or a verified table). Reads are
 * plain loads of memory the runtime never unmaps (g and m structs live in the
 * Go heap and are never freed), so a racing read gives a stale value, never
 * a fault. Nothing here calls into Go or allocates. */
#ifndef UNDEAD_RUNTIME_H
#define UNDEAD_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

enum { UD_GSCAN = 0x1000, UD_GSYSCALL = 3 };

void ud_rt_init(const ud_layout *layout);

/* The g in this thread's TLS slot: g0 while C runs on a Go thread, 0 on a C
 * thread Go never saw. */
uintptr_t ud_rt_tls_g(void);

static inline uint64_t ud_rd64(uintptr_t addr) { return *(volatile const uint64_t *)addr; }
static inline uint32_t ud_rd32(uintptr_t addr) { return *(volatile const uint32_t *)addr; }

typedef struct ud_gview {
  uintptr_t g;
  uint64_t stack_lo, stack_hi;
  uint64_t sched_sp, sched_pc, sched_bp;
  uint64_t syscallsp, syscallpc, syscallbp; /* syscallbp 0 where absent */
  uint32_t status;                          /* _Gscan bit cleared */
  int64_t goid;
} ud_gview;

/* Reads the fields of g the shim uses. */
void ud_rt_read_g(uintptr_t g, ud_gview *out);
uintptr_t ud_rt_g_m(uintptr_t g);
uintptr_t ud_rt_m_g0(uintptr_t m);
uintptr_t ud_rt_m_curg(uintptr_t m);
void ud_rt_g_stack(uintptr_t g, uint64_t *lo, uint64_t *hi);
bool ud_rt_has_syscallbp(void);

#endif
