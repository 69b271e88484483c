/* cstack: the calling thread's C stack for a report, by libunwind (local
 * unwinding, no allocation from the target's heap). Frames in the Go text
 * are named from the function table (gosym.h), others by libunwind. */
#ifndef UNDEAD_CSTACK_H
#define UNDEAD_CSTACK_H

#include <stddef.h>
#include <stdint.h>

#include "pclntab.h"
#include "report.h"

/* Remembers where the shim's own code is (its frames are left out). Call
 * once at start-up. */
void ud_cstack_init(void);

/* Fills at most cap frames, innermost first, from the first frame outside
 * the shim. Returns the count. */
int ud_cstack_capture(const ud_pclntab *tab, uint64_t bias, ud_report_frame *out, int cap);

/* The same from the thread state a signal handler was given (its
 * ucontext_t): the first frame is the interrupted instruction's. */
int ud_cstack_capture_at(const ud_pclntab *tab, uint64_t bias, void *ucontext,
                         ud_report_frame *out, int cap);

/* Names the code at pc (not a return address) in out: a Go function of
 * tab's image, else the symbol of the object mapped there ("func+0x12"),
 * else the address. */
void ud_cstack_name_pc(const ud_pclntab *tab, uint64_t bias, uint64_t pc, char *out, size_t cap);

#endif
