/* The trampolines: where the patched runtime code arrives.
 *
 * Each watched runtime has its own stubs (start/patch.c), `movabs $rt, %r12;
 * jmp *trampoline`, so on entry %r12 holds the ud_rt (rt_asm.h gives the
 * offsets read here). %r12 and %r13 are scratch registers in Go's
 * ABIInternal: no caller expects them preserved across a call, and no
 * callee takes an argument in them. Go keeps g in %r14 and zero in %xmm15:
 * %r14 is callee-saved in the C ABI, %xmm15 is zeroed again before
 * returning to Go code.
 *
 * The rule these keep (Go's unwinder throws on a return address it does
 * not know): no non-Go return address is ever left
 * on a goroutine stack, and no C code runs on one. A trampoline reached
 * from a CALL site leaves the stack exactly as the callee expects it
 * (0(%rsp) is the return address into the runtime) and tail-jumps to the
 * callee. */
#include "rt_asm.h"

/* Every integer register Go may pass arguments in or keep live across the
 * patched call but %rax, %rbx and %rbp, which each trampoline keeps itself:
 * 12 words (96 bytes) below the trampoline's frame pointer. */
	.macro SAVE_GO_REGS
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	.endm
	.macro RESTORE_GO_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	.endm

/* A frame for a C call on the stack the trampoline is on (the system
 * stack): %rbp links it, the registers SAVE_GO_REGS keeps are kept, %rsp
 * is 16-byte aligned for the call; C_FRAME_LEAVE undoes it and zeroes
 * %xmm15 for Go. */
	.macro C_FRAME_ENTER
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	SAVE_GO_REGS
	andq	$-16, %rsp
	.endm
	.macro C_FRAME_LEAVE
	leaq	-96(%rbp), %rsp
	RESTORE_GO_REGS
	popq	%rbp
	.cfi_def_cfa %rsp, 8
	xorps	%xmm15, %xmm15
	.endm

/* \dst = g.m.g0 for the g in %r14 (\tmp clobbered). With \nil, a nil
 * g.m or m.g0 jumps there; without, both are known to be set. */
	.macro LOAD_G0 dst, tmp, nil
	movq	UD_RT_OFF_G_M(%r12), \tmp
	movq	(%r14,\tmp), \dst		/* g.m */
	.ifnb \nil
	testq	\dst, \dst
	jz	\nil
	.endif
	movq	UD_RT_OFF_M_G0(%r12), \tmp
	movq	(\dst,\tmp), \dst		/* m.g0 */
	.ifnb \nil
	testq	\dst, \dst
	jz	\nil
	.endif
	.endm

/* This thread's record of the callbacks from C open on it
 * (check/longjmp.h): pushed at the callback's entry with (rt, g, the C
 * stack pointer in %rcx), popped when it returns. A record of the same
 * goroutine whose C stack pointer is not above the new one was left by a
 * callback a panic unwound: the new one replaces it. Beyond
 * UD_CALLBACKS_OPEN_MAX only the depth is counted. Uses %r8-%r10 (free at
 * both calls: Go keeps nothing but g, SP and BP across them, and
 * reentersyscall takes its arguments in %rax, %rbx, %rcx). */
	.macro OPEN_CALLBACK
	movq	ud_callbacks_open_tls@gottpoff(%rip), %r8
	movq	%fs:(%r8), %r9			/* depth */
	testq	%r9, %r9
	jz	11f
	cmpq	$UD_CALLBACKS_OPEN_MAX, %r9
	ja	12f
	movq	%r9, %r10
	shlq	$UD_CALLBACK_RECORD_SHIFT, %r10	/* the top record: at[depth - 1] */
	cmpq	%r12, %fs:(UD_CALLBACKS_OPEN_AT - 32)(%r8,%r10)	/* top.rt */
	jne	11f
	cmpq	%r14, %fs:(UD_CALLBACKS_OPEN_AT - 24)(%r8,%r10)	/* top.g */
	jne	11f
	cmpq	%rcx, %fs:(UD_CALLBACKS_OPEN_AT - 16)(%r8,%r10)	/* top.csp */
	ja	11f				/* an outer callback: above */
	subq	$1, %r9				/* left by a panic: replaced */
11:	cmpq	$UD_CALLBACKS_OPEN_MAX, %r9
	jae	12f
	movq	%r9, %r10
	shlq	$UD_CALLBACK_RECORD_SHIFT, %r10	/* the new one: at[depth] */
	movq	%r12, %fs:UD_CALLBACKS_OPEN_AT(%r8,%r10)
	movq	%r14, %fs:(UD_CALLBACKS_OPEN_AT + 8)(%r8,%r10)
	movq	%rcx, %fs:(UD_CALLBACKS_OPEN_AT + 16)(%r8,%r10)
12:	addq	$1, %r9
	movq	%r9, %fs:(%r8)
	.endm

/* Pops the record OPEN_CALLBACK pushed, when it is this callback's. */
	.macro CLOSE_CALLBACK
	movq	ud_callbacks_open_tls@gottpoff(%rip), %r8
	movq	%fs:(%r8), %r9
	testq	%r9, %r9
	jz	14f
	cmpq	$UD_CALLBACKS_OPEN_MAX, %r9
	ja	13f
	movq	%r9, %r10
	shlq	$UD_CALLBACK_RECORD_SHIFT, %r10
	cmpq	%r12, %fs:(UD_CALLBACKS_OPEN_AT - 32)(%r8,%r10)
	jne	14f
	cmpq	%r14, %fs:(UD_CALLBACKS_OPEN_AT - 24)(%r8,%r10)
	jne	14f
13:	subq	$1, %r9
	movq	%r9, %fs:(%r8)
14:
	.endm

	.text

/* CALL runtime.copystack sites (newstack, shrinkstack). copystack always
 * runs on the system stack (g0: a pthread stack in a cgo program), so C may
 * run here. ABIInternal: gp in %rax, newsize in %rbx. Every integer
 * register Go may pass arguments in is kept. */
	.globl	ud_tramp_copystack
	.hidden	ud_tramp_copystack
	.type	ud_tramp_copystack, @function
	.p2align 4
ud_tramp_copystack:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	pushq	%rax
	pushq	%rbx
	SAVE_GO_REGS
	andq	$-16, %rsp
	movq	%r12, %rdi		/* rt */
	movq	%rax, %rsi		/* gp */
	movq	%rbx, %rdx		/* newsize */
	movq	8(%rbp), %rcx		/* return address into newstack/shrinkstack */
	call	ud_on_copystack
	leaq	-112(%rbp), %rsp
	RESTORE_GO_REGS
	popq	%rbx
	popq	%rax
	popq	%rbp
	.cfi_def_cfa %rsp, 8
	xorps	%xmm15, %xmm15
	jmp	*UD_RT_COPYSTACK(%r12)
	.cfi_endproc
	.size	ud_tramp_copystack, .-ud_tramp_copystack

/* The CALL runtime.reentersyscall in runtime.cgocallbackg: a callback is
 * returning to C. ABIInternal: pc in %rax, sp in %rbx, bp in %rcx (Go
 * 1.23+), g in %r14.
 *
 * Most callbacks never move the stack: when no goroutine has a stack
 * history (history.h), the callback returns into the first gate, the
 * restored sp (and bp) lie in the current stack, and the C stack it
 * returns to (g.m.g0.sched.sp) lies in the bounds the runtime keeps for
 * it (g0.stack), there is nothing to check and the fast path only counts,
 * in this thread's block (counts.h), with no call. Otherwise ud_on_callback_return runs on the thread's system
 * stack: below g.m.g0.sched.sp, where cgocallback left the C frames that
 * called back (nothing else uses that stack until Go code runs again on
 * this thread; signal handlers run on their own stack, and one TSan
 * delivers in the C code finds its sp in g0's stack, as Go requires).
 * CFI: the caller's frame is reached through %r13 while on that stack. */
	.globl	ud_tramp_callback_return
	.hidden	ud_tramp_callback_return
	.type	ud_tramp_callback_return, @function
	.p2align 4
ud_tramp_callback_return:
	.cfi_startproc
	CLOSE_CALLBACK
	cmpq	$0, ud_history_count(%rip)
	jne	.Lslow
	cmpq	UD_RT_GATE0_X(%r12), %rax
	jne	.Lslow
	movq	UD_RT_OFF_G_STACK_LO(%r12), %rdx
	movq	(%r14,%rdx), %rdx		/* g.stack.lo */
	movq	UD_RT_OFF_G_STACK_HI(%r12), %rsi
	movq	(%r14,%rsi), %rsi		/* g.stack.hi */
	cmpq	%rdx, %rbx
	jbe	.Lslow				/* sp <= lo */
	cmpq	%rsi, %rbx
	ja	.Lslow				/* sp > hi */
	cmpq	$0, UD_RT_HAS_BP(%r12)
	je	.Lsystem
	testq	%rcx, %rcx
	jz	.Lsystem
	cmpq	%rdx, %rcx
	jb	.Lslow				/* bp < lo */
	cmpq	%rsi, %rcx
	jae	.Lslow				/* bp >= hi */
.Lsystem:
	LOAD_G0	%rdx, %rsi			/* a gate is open: g.m is set */
	movq	UD_RT_OFF_G_SCHED_SP(%r12), %rsi
	movq	(%rdx,%rsi), %rdi		/* g0.sched.sp */
	movq	UD_RT_OFF_G_STACK_LO(%r12), %rsi
	cmpq	(%rdx,%rsi), %rdi
	jbe	.Lslow				/* sp <= g0.stack.lo */
	movq	UD_RT_OFF_G_STACK_HI(%r12), %rsi
	cmpq	(%rdx,%rsi), %rdi
	ja	.Lslow				/* sp > g0.stack.hi */
.Lcount:
	movq	ud_counts_tls@gottpoff(%rip), %rdx
	movq	%fs:(%rdx), %rdx
	testq	%rdx, %rdx
	jz	.Lslow				/* no block yet: the C path makes it */
	addq	$1, UD_COUNTS_CALLBACKS(%rdx)
	addq	$1, UD_COUNTS_GATE_RETURNS(%rdx)
	jmp	*UD_RT_REENTERSYSCALL(%r12)
.Lslow:
	movq	%rsp, %r13			/* the goroutine's sp, kept by the C callee */
	.cfi_def_cfa_register %r13
	LOAD_G0	%rdx, %rsi
	movq	UD_RT_OFF_G_SCHED_SP(%r12), %rsi
	movq	(%rdx,%rsi), %rdx		/* g0.sched.sp */
	subq	$256, %rdx
	andq	$-16, %rdx
	movq	%rdx, %rsp
	pushq	%rax
	pushq	%rcx			/* 16-byte aligned again */
	movq	%rbp, %r9		/* cgocallbackg's frame pointer */
	movq	%rcx, %r8		/* bp */
	movq	%rbx, %rcx		/* sp */
	movq	%rax, %rdx		/* pc */
	movq	%r14, %rsi		/* g */
	movq	%r12, %rdi		/* rt */
	call	ud_on_callback_return
	popq	%rcx
	popq	%rax
	movq	%r13, %rsp
	.cfi_def_cfa_register %rsp
	xorps	%xmm15, %xmm15
	jmp	*UD_RT_REENTERSYSCALL(%r12)
	.cfi_endproc
	.size	ud_tramp_callback_return, .-ud_tramp_callback_return

/* The CALL runtime.exitsyscall in runtime.cgocallbackg: a callback from C
 * is entering Go (the runtime has just set the system stack's bounds for
 * it, where it does). g in %r14; exitsyscall takes no argument and Go
 * keeps no register live across the call but g, SP and BP.
 *
 * The C stack the callback came from, g.m.g0.sched.sp (saved by
 * cgocallback), must lie in the bounds the runtime keeps for that stack,
 * (g0.stack.lo, g0.stack.hi]: the fast path compares, with no call. Else
 * ud_on_callback_enter runs on that C stack, below the C frames (as the
 * callback-return slow path does): it is the thread's real stack,
 * whatever the bounds say. CFI: the caller's frame through %r13. */
	.globl	ud_tramp_callback_enter
	.hidden	ud_tramp_callback_enter
	.type	ud_tramp_callback_enter, @function
	.p2align 4
ud_tramp_callback_enter:
	.cfi_startproc
	LOAD_G0	%rdx, %rsi, 1f
	movq	UD_RT_OFF_G_SCHED_SP(%r12), %rsi
	movq	(%rdx,%rsi), %rcx		/* g0.sched.sp: the C stack */
	testq	%rcx, %rcx
	jz	1f
	OPEN_CALLBACK
	movq	UD_RT_OFF_G_STACK_LO(%r12), %rsi
	cmpq	(%rdx,%rsi), %rcx
	jbe	2f				/* sp <= lo */
	movq	UD_RT_OFF_G_STACK_HI(%r12), %rsi
	cmpq	(%rdx,%rsi), %rcx
	ja	2f				/* sp > hi */
1:	jmp	*UD_RT_EXITSYSCALL(%r12)
2:	movq	%rsp, %r13			/* the goroutine's sp, kept by the C callee */
	.cfi_def_cfa_register %r13
	subq	$256, %rcx
	andq	$-16, %rcx
	movq	%rcx, %rsp
	movq	(%r13), %rdx		/* the return address into cgocallbackg */
	leaq	8(%r13), %rcx		/* cgocallbackg's SP */
	movq	%r14, %rsi		/* g */
	movq	%r12, %rdi		/* rt */
	call	ud_on_callback_enter
	movq	%r13, %rsp
	.cfi_def_cfa_register %rsp
	xorps	%xmm15, %xmm15
	jmp	*UD_RT_EXITSYSCALL(%r12)
	.cfi_endproc
	.size	ud_tramp_callback_enter, .-ud_tramp_callback_enter

/* The CALL runtime.cgocallbackg1 in runtime.cgocallbackg, patched only
 * with move_on_callback=1. exitsyscall has just set g.stackguard0; unless
 * the runtime has a request pending there (a value at or above
 * stackPoisonMin: preemption, fork), ask for a stack move: the prologue
 * of cgocallbackg1 then copies the stack to a new one of the same size,
 * inside the callback, with every gate below it open. No call, no stack
 * use: only %r13 and %rdx, free here. */
	.globl	ud_tramp_callback_move
	.hidden	ud_tramp_callback_move
	.type	ud_tramp_callback_move, @function
	.p2align 4
ud_tramp_callback_move:
	.cfi_startproc
	movq	UD_RT_OFF_G_STACKGUARD0(%r12), %r13
	movq	(%r14,%r13), %rdx
	cmpq	$UD_STACK_POISON_MIN, %rdx	/* sign-extended: 0xfffffffffffff000 */
	jae	1f
	movq	$UD_STACK_FORCE_MOVE, (%r14,%r13)
1:	jmp	*UD_RT_CGOCALLBACKG1(%r12)
	.cfi_endproc
	.size	ud_tramp_callback_move, .-ud_tramp_callback_move

/* CALL runtime.stackfree: the one in runtime.copystack (quarantine=1),
 * and with own_small_stacks every one in the runtime. The stack
 * [%rax, %rbx) (ABIInternal: a stack{lo, hi} in AX, BX) is about to be
 * freed. When it is the one ud_on_copystack armed on this thread (a move
 * with a gate open), ud_quarantine_take holds it and names the range to
 * free in its place (an older held stack, or none: then the call returns
 * to its caller as stackfree would). A stack the shim served
 * (check/ownstack.h) goes back to the shim. Anything else goes straight
 * to stackfree. stackfree is //go:systemstack: every caller is on the
 * system stack, where C may run. */
	.globl	ud_tramp_stackfree
	.hidden	ud_tramp_stackfree
	.type	ud_tramp_stackfree, @function
	.p2align 4
ud_tramp_stackfree:
	.cfi_startproc
	testq	%rax, %rax
	jz	1f
	movq	ud_quarantine_armed_lo@gottpoff(%rip), %r13
	cmpq	%fs:(%r13), %rax
	je	3f
	movq	%rax, %r13
	subq	ud_ownstack_lo(%rip), %r13
	cmpq	ud_ownstack_len(%rip), %r13
	jb	4f
1:	jmp	*UD_RT_STACKFREE(%r12)
3:	C_FRAME_ENTER
	movq	%r12, %rdi		/* rt */
	movq	%rax, %rsi		/* lo */
	movq	%rbx, %rdx		/* hi */
	call	ud_quarantine_take	/* the range to free: %rax, %rdx */
	movq	%rdx, %rbx
	C_FRAME_LEAVE
	testq	%rax, %rax
	jnz	1b
	ret
4:	C_FRAME_ENTER
	movq	%rax, %rdi		/* lo */
	call	ud_ownstack_free
	C_FRAME_LEAVE
	ret
	.cfi_endproc
	.size	ud_tramp_stackfree, .-ud_tramp_stackfree

/* CALL runtime.stackalloc (own_small_stacks=1): a request for exactly
 * UD_OWNSTACK_SIZE bytes (ABIInternal: n, a uint32, in %eax) is served
 * from the shim's pages when it has one (the stack{lo, hi} returned in AX,
 * BX, and the call returns to its caller as stackalloc would); anything
 * else goes to stackalloc. stackalloc is //go:systemstack: C may run. */
	.globl	ud_tramp_stackalloc
	.hidden	ud_tramp_stackalloc
	.type	ud_tramp_stackalloc, @function
	.p2align 4
ud_tramp_stackalloc:
	.cfi_startproc
	cmpl	$UD_OWNSTACK_SIZE, %eax
	jne	1f
	C_FRAME_ENTER
	call	ud_ownstack_alloc	/* lo, or 0 */
	C_FRAME_LEAVE
	testq	%rax, %rax
	jz	2f
	leaq	UD_OWNSTACK_SIZE(%rax), %rbx
	ret
2:	movl	$UD_OWNSTACK_SIZE, %eax
1:	jmp	*UD_RT_STACKALLOC(%r12)
	.cfi_endproc
	.size	ud_tramp_stackalloc, .-ud_tramp_stackalloc

/* runtime.exit's first instruction, replaced by a jump here: the process
 * is ending (exit_group). ABI0: the status is at 8(%rsp); g in %r14 (Go
 * code calls exit through an ABI wrapper, which keeps it). Never returns.
 *
 * ud_on_exit waits for a report in progress, writes the counts once per
 * process (a second thread ending at the same time waits there until the
 * first has ended the process) and gives the status to end with.
 *
 * It runs on the M's system stack (g0), which Go knows: a signal handler
 * that runs on this thread while it is here must find its sp in the M's
 * gsignal or g0 stack, or it throws "signal handler not on signal stack".
 * The kernel delivers on the signal stack, but TSan (-fsanitize=thread)
 * defers a signal that arrives in Go code and delivers it on the current
 * stack inside the next function it intercepts (write, strcmp, ...): that
 * is the C code here. On the goroutine's own stack or gsignal's, the C
 * frames go below g0.sched.sp (nothing runs on g0 while its M runs a
 * goroutine; a g0 frame that a signal interrupted is never resumed, the
 * process is ending); on g0, below the current sp. The shim's own stack
 * is kept for a g it cannot read. CFI names the caller's frame through
 * %r13 (the sp on entry), which the C callee keeps. */
	.globl	ud_tramp_exit
	.hidden	ud_tramp_exit
	.type	ud_tramp_exit, @function
	.p2align 4
ud_tramp_exit:
	.cfi_startproc
	movl	8(%rsp), %ebx		/* the status, kept by the C callee */
	movq	%rsp, %r13
	.cfi_def_cfa_register %r13
	leaq	ud_exit_stack_top(%rip), %rdx
	testq	%r14, %r14
	jz	3f
	LOAD_G0	%rsi, %rdi, 3f
	movq	UD_RT_OFF_G_STACK_LO(%r12), %rdi
	movq	(%rsi,%rdi), %r8		/* g0.stack.lo */
	movq	UD_RT_OFF_G_STACK_HI(%r12), %rdi
	movq	(%rsi,%rdi), %r9		/* g0.stack.hi */
	leaq	-256(%rsp), %rdx
	cmpq	%r8, %rsp
	jb	1f
	cmpq	%r9, %rsp
	jb	2f				/* on g0 already: below the current sp */
1:	movq	UD_RT_OFF_G_SCHED_SP(%r12), %rdi
	movq	(%rsi,%rdi), %rdx		/* g0.sched.sp */
	subq	$256, %rdx
	cmpq	%r8, %rdx
	jb	4f
	cmpq	%r9, %rdx
	jb	2f
4:	leaq	ud_exit_stack_top(%rip), %rdx	/* g0.sched.sp outside g0's stack */
	jmp	3f
2:	movq	%rdx, %rax
	subq	%r8, %rax
	cmpq	$16384, %rax
	jae	3f
	leaq	ud_exit_stack_top(%rip), %rdx	/* too little room left there */
3:	andq	$-16, %rdx
	movq	%rdx, %rsp
	movq	%r12, %rdi		/* rt */
	movl	%ebx, %esi		/* status */
	call	ud_on_exit
	movl	%eax, %edi
	movl	$231, %eax		/* SYS_exit_group */
	syscall
	ud2
	.cfi_endproc
	.size	ud_tramp_exit, .-ud_tramp_exit

	.bss
	.p2align 12
ud_exit_stack:
	.skip	65536
ud_exit_stack_top:

	.section .note.GNU-stack,"",@progbits
