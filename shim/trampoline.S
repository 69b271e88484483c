/* The trampolines: where the patched runtime code arrives.
 *
 * Each watched runtime has its own stubs (hook.c), `movabs $rt, %r12;
 * jmp *trampoline`, so on entry %r12 holds the ud_rt (rt_asm.h gives the
 * offsets read here). %r12 and %r13 are scratch registers in Go's
 * ABIInternal: no caller expects them preserved across a call, and no
 * callee takes an argument in them. Go keeps g in %r14 and zero in %xmm15:
 * %r14 is callee-saved in the C ABI, %xmm15 is zeroed again before
 * returning to Go code.
 *
 * The rule these keep (../DESIGN): no non-Go return address is ever left
 * on a goroutine stack, and no C code runs on one. A trampoline reached
 * from a CALL site leaves the stack exactly as the callee expects it
 * (0(%rsp) is the return address into the runtime) and tail-jumps to the
 * callee. */
#include "rt_asm.h"

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
	andq	$-16, %rsp
	movq	%r12, %rdi		/* rt */
	movq	%rax, %rsi		/* gp */
	movq	%rbx, %rdx		/* newsize */
	movq	8(%rbp), %rcx		/* return address into newstack/shrinkstack */
	call	ud_on_copystack
	leaq	-112(%rbp), %rsp
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
 * history (history.h), the callback returns into the first gate, and the
 * restored sp (and bp) lie in the current stack, there is nothing to check
 * and the fast path only counts, in this thread's block (counts.h), with
 * no call. Otherwise ud_on_callback_return runs on the thread's system
 * stack: below g.m.g0.sched.sp, where cgocallback left the C frames that
 * called back (nothing else uses that stack until Go code runs again on
 * this thread; signal handlers run on their own stack). */
	.globl	ud_tramp_callback_return
	.hidden	ud_tramp_callback_return
	.type	ud_tramp_callback_return, @function
	.p2align 4
ud_tramp_callback_return:
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
	je	.Lcount
	testq	%rcx, %rcx
	jz	.Lcount
	cmpq	%rdx, %rcx
	jb	.Lslow				/* bp < lo */
	cmpq	%rsi, %rcx
	jae	.Lslow				/* bp >= hi */
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
	movq	UD_RT_OFF_G_M(%r12), %rdx
	movq	(%r14,%rdx), %rdx		/* g.m */
	movq	UD_RT_OFF_M_G0(%r12), %rsi
	movq	(%rdx,%rsi), %rdx		/* m.g0 */
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
	xorps	%xmm15, %xmm15
	jmp	*UD_RT_REENTERSYSCALL(%r12)
	.size	ud_tramp_callback_return, .-ud_tramp_callback_return

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
	movq	UD_RT_OFF_G_STACKGUARD0(%r12), %r13
	movq	(%r14,%r13), %rdx
	cmpq	$UD_STACK_POISON_MIN, %rdx	/* sign-extended: 0xfffffffffffff000 */
	jae	1f
	movq	$UD_STACK_FORCE_MOVE, (%r14,%r13)
1:	jmp	*UD_RT_CGOCALLBACKG1(%r12)
	.size	ud_tramp_callback_move, .-ud_tramp_callback_move

/* runtime.exit's first instruction, replaced by a jump here: the process
 * is ending (exit_group). The counts are written first, on a stack of the
 * shim's own (the caller may be on a small goroutine stack), by the first
 * thread to arrive; any other goes straight to exit_group. ABI0: the code
 * is at 8(%rsp). Never returns. */
	.globl	ud_tramp_exit
	.hidden	ud_tramp_exit
	.type	ud_tramp_exit, @function
	.p2align 4
ud_tramp_exit:
	movl	8(%rsp), %ebx		/* the exit code, kept by the C callee */
	movl	$1, %eax
	xchgl	%eax, ud_exit_taken(%rip)
	testl	%eax, %eax
	jnz	2f
	leaq	ud_exit_stack_top(%rip), %rsp
	movq	%r12, %rdi		/* rt */
	call	ud_on_exit
2:	movl	%ebx, %edi
	movl	$231, %eax		/* SYS_exit_group */
	syscall
	ud2
	.size	ud_tramp_exit, .-ud_tramp_exit

	.bss
	.p2align 12
ud_exit_stack:
	.skip	65536
ud_exit_stack_top:
	.p2align 2
ud_exit_taken:
	.skip	4

	.section .note.GNU-stack,"",@progbits
