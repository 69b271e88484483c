/* The copystack trampoline.
 *
 * Reached by a `jmp *0(%rip)` stub from the patched `CALL runtime.copystack`
 * sites in runtime.newstack and runtime.shrinkstack, so on entry the stack is
 * exactly as the real copystack expects it: 0(%rsp) is the return address
 * into the caller. copystack always runs on the system (g0) stack, a pthread
 * stack in a cgo program, so C code may run here.
 *
 * Go's ABIInternal passes gp in RAX and newsize in RBX and keeps g in R14 and
 * zero in X15. The trampoline saves every integer register Go may pass
 * arguments in, calls ud_on_copystack(gp, newsize, return address) with the
 * C ABI on a 16-byte aligned stack, restores them, re-zeroes X15 and
 * tail-jumps to the real copystack: it leaves no frame of its own behind, so
 * no Go unwinder ever sees its address. copystack takes no floating-point
 * arguments, so X0-X14 carry nothing to preserve. */

	.text
	.globl	ud_copystack_trampoline
	.hidden	ud_copystack_trampoline
	.type	ud_copystack_trampoline, @function
	.p2align 4
ud_copystack_trampoline:
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
	movq	%rax, %rdi		/* gp */
	movq	%rbx, %rsi		/* newsize */
	movq	8(%rbp), %rdx		/* return address into newstack/shrinkstack */
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
	jmp	*ud_copystack_real(%rip)
	.cfi_endproc
	.size	ud_copystack_trampoline, .-ud_copystack_trampoline

	.section .note.GNU-stack,"",@progbits
