/* longjmp: a C longjmp over a Go callback, caught before the jump.
 *
 * C may longjmp inside one C call, never back over Go frames: a jmp_buf
 * set before C called back into Go, used while that callback is open,
 * abandons the callback's Go frames (they never return), leaves the
 * goroutine locked to the thread with its system-call state describing
 * frames that are gone, and the runtime throws when the outer C call
 * returns ("exitsyscall: syscall frame is no longer valid", Go issue
 * 63829; golua's lua_error is the case seen in the wild).
 *
 * Each thread keeps the callbacks from C open on it (ud_callbacks_open):
 * the callback-entry trampoline pushes (rt, g, the C stack pointer the
 * callback came from, m.g0.sched.sp), the callback-return trampoline pops.
 * A callback a Go panic unwound through C frames never returns: its record
 * stays, and is told apart by reading m.g0.sched.sp again (the runtime put
 * it back), and replaced by the next callback of the same goroutine.
 *
 * The shim's longjmp, _longjmp, siglongjmp and __longjmp_chk look at the
 * innermost record of the calling thread: a jump whose target stack
 * pointer lies above that C stack pointer, in the same system stack
 * (up to m.g0.stack.hi), goes back over the open callback, and is reported
 * before it is made. Then, or with none open, the next definition (libc's,
 * or a sanitizer's interceptor) makes the jump.
 *
 * Rules: the check room's. The interposers run in any thread of the
 * process, also in signal handlers: a TLS read and a few compares; nothing
 * allocates, locks or blocks until a report is written. */
#ifndef UNDEAD_LONGJMP_H
#define UNDEAD_LONGJMP_H

#include <stdbool.h>
#include <stdint.h>

#include "rt_asm.h" /* UD_CALLBACKS_OPEN_MAX, the record's layout for the trampolines */

typedef struct ud_callback_open {
  uintptr_t rt, g;  /* the ud_rt and the goroutine that runs the callback */
  uint64_t csp;     /* m.g0.sched.sp when it entered: the C stack it came from */
  uint64_t unused;
} ud_callback_open;

typedef struct ud_callbacks_open {
  uint64_t depth;   /* callbacks open; the outermost UD_CALLBACKS_OPEN_MAX have records */
  uint64_t unused;
  ud_callback_open at[UD_CALLBACKS_OPEN_MAX];
} ud_callbacks_open;

extern __thread ud_callbacks_open ud_callbacks_open_tls __attribute__((tls_model("initial-exec")));

/* Where a jmp_buf will jump: glibc keeps the stack pointer and the pc
 * (__jmpbuf[6] and [7], JB_RSP and JB_PC) mangled as its PTR_MANGLE does,
 * xor the thread's pointer guard (in the TCB, %fs:0x30), then rotated left
 * by 17. start/longjmp_next.c checks this reading on a jmp_buf of its own
 * before it arms the check. */
static inline uint64_t ud_jmp_buf_word(const void *env, int i) {
  uint64_t v = ((const volatile uint64_t *)env)[i], guard;
  __asm__ volatile("movq %%fs:0x30, %0" : "=r"(guard));
  v = (v >> 17) | (v << 47);
  return v ^ guard;
}
static inline uint64_t ud_jmp_buf_sp(const void *env) { return ud_jmp_buf_word(env, 6); }
static inline uint64_t ud_jmp_buf_pc(const void *env) { return ud_jmp_buf_word(env, 7); }

/* The four functions the shim defines, and the next definition of each
 * (libc's, or a sanitizer runtime's interceptor in front of it). */
enum ud_jump { UD_JUMP_LONGJMP, UD_JUMP__LONGJMP, UD_JUMP_SIGLONGJMP, UD_JUMP___LONGJMP_CHK,
               UD_JUMP_COUNT };
struct __jmp_buf_tag;
typedef void (*ud_jump_fn)(struct __jmp_buf_tag *, int);

/* Set by start-up (start/longjmp_next.h): the check runs only when armed. */
extern ud_jump_fn ud_jump_next[UD_JUMP_COUNT];
extern bool ud_longjmp_armed;

#endif
