/* rt_asm: the part of a ud_rt the trampolines read (trampoline.S), at
 * fixed offsets shared by C and assembly. start/attach.c checks them with
 * _Static_assert. */
#ifndef UNDEAD_RT_ASM_H
#define UNDEAD_RT_ASM_H

/* Run-time addresses of the real callees, for the tail jumps. */
#define UD_RT_COPYSTACK 0
#define UD_RT_REENTERSYSCALL 8
#define UD_RT_CGOCALLBACKG1 16
/* Layout offsets, as 64-bit values for indexed loads. */
#define UD_RT_OFF_G_M 24
#define UD_RT_OFF_M_G0 32
#define UD_RT_OFF_G_SCHED_SP 40
#define UD_RT_OFF_G_STACKGUARD0 48
#define UD_RT_OFF_G_STACK_LO 56
#define UD_RT_OFF_G_STACK_HI 64
/* The first gate's X (run-time), and whether reentersyscall takes bp. */
#define UD_RT_GATE0_X 72
#define UD_RT_HAS_BP 80
/* runtime.stackfree, for the quarantine's tail jump. */
#define UD_RT_STACKFREE 88
/* runtime.stackalloc, for the own-stack trampoline's tail jump. */
#define UD_RT_STACKALLOC 96
/* runtime.exitsyscall, for the callback-entry trampoline's tail jump. */
#define UD_RT_EXITSYSCALL 104
#define UD_RT_ASM_SIZE 112

/* check/ownstack.h's UD_OWNSTACK_SIZE: the runtime's smallest stack. */
#define UD_OWNSTACK_SIZE 2048

/* ud_counts (counts.h): the callback-return counters the fast path bumps. */
#define UD_COUNTS_CALLBACKS 0
#define UD_COUNTS_GATE_RETURNS 8

/* check/longjmp.h's ud_callbacks_open: the depth at 0, then one record of
 * 32 bytes per open callback from 16 (rt, g, csp at +0, +8, +16). */
#define UD_CALLBACKS_OPEN_MAX 8
#define UD_CALLBACK_RECORD_SHIFT 5
#define UD_CALLBACKS_OPEN_AT 16

/* runtime/stack.go, the same in every release from 1.19: stackguard0
 * values at or above stackPoisonMin are the runtime's requests
 * (stackPreempt, stackFork, stackForceMove); stackForceMove makes the next
 * function prologue copy the stack to a new one of the same size. */
#define UD_STACK_POISON_MIN (-4096) /* uintptrMask & -4096 */
#define UD_STACK_FORCE_MOVE (-275)  /* uintptrMask & -275 */

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct ud_rt_asm {
  uint64_t copystack, reentersyscall, cgocallbackg1;
  int64_t off_g_m, off_m_g0, off_g_sched_sp, off_g_stackguard0;
  int64_t off_g_stack_lo, off_g_stack_hi;
  uint64_t gate0_x;
  uint64_t has_bp;
  uint64_t stackfree;
  uint64_t stackalloc;
  uint64_t exitsyscall;
} ud_rt_asm;
#endif

#endif
