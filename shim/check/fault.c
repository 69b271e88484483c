/* fault: the SIGSEGV handler in front of the program's (see fault.h). */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "fault.h"
#include "quarantine.h"

/* The kernel's struct sigaction on x86-64 (rt_sigaction), and its flag for
 * a restorer: the code a handler returns to, which calls rt_sigreturn. */
typedef struct ksigaction {
  void *handler;
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
} ksigaction;
#define KSA_RESTORER 0x04000000ul

static int ksigaction_call(int sig, const ksigaction *act, ksigaction *old) {
  return (int)syscall(SYS_rt_sigaction, sig, act, old, sizeof act->mask);
}

/* A restorer for when the previous action had none (SIG_DFL as the kernel
 * starts it): the instruction bytes glibc's __restore_rt has, which
 * unwinders (libunwind, gdb) recognise as a signal frame. */
void ud_fault_restorer(void);
__asm__(".text\n"
        ".p2align 4\n"
        ".globl ud_fault_restorer\n"
        ".hidden ud_fault_restorer\n"
        ".type ud_fault_restorer, @function\n"
        "ud_fault_restorer:\n"
        "  movq $15, %rax\n" /* SYS_rt_sigreturn */
        "  syscall\n"
        ".size ud_fault_restorer, .-ud_fault_restorer\n");

/* The action the kernel held before ours: written once, before ours is
 * installed, read by the handler only (so after). */
static ksigaction prev;
enum { NOT_INSTALLED, INSTALLED, LOST };
static int state; /* under the quarantine's lock, and by the handler (atomically) */

bool ud_fault_arm(void) {
  int st = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
  if (st == LOST)
    return false;
  ksigaction cur;
  if (ksigaction_call(SIGSEGV, NULL, &cur) != 0)
    return false;
  if (st == INSTALLED) {
    if (cur.handler == (void *)ud_fault_handler)
      return true;
    __atomic_store_n(&state, LOST, __ATOMIC_RELEASE);
    return false;
  }
  prev = cur;
  bool dfl_or_ign = cur.handler == (void *)SIG_DFL || cur.handler == (void *)SIG_IGN;
  /* The previous handler's flags and mask, so that the program's handler
   * runs as the kernel would have run it; SA_RESETHAND is the shim's to
   * play (chain()); with no handler before, SA_ONSTACK so the shim's runs
   * where one can. */
  ksigaction mine = {
      .handler = (void *)ud_fault_handler,
      .flags = (dfl_or_ign ? SA_ONSTACK : cur.flags & (SA_ONSTACK | SA_RESTART | SA_NODEFER)) |
               SA_SIGINFO | KSA_RESTORER,
      .restorer = (cur.flags & KSA_RESTORER) && cur.restorer ? cur.restorer : ud_fault_restorer,
      .mask = cur.mask,
  };
  if (ksigaction_call(SIGSEGV, &mine, NULL) != 0) {
    __atomic_store_n(&state, LOST, __ATOMIC_RELEASE);
    return false;
  }
  __atomic_store_n(&state, INSTALLED, __ATOMIC_RELEASE);
  return true;
}

/* Hands the signal to the previous action, as the kernel would have:
 *   - a handler: called with the same arguments, on this stack, with the
 *     mask it asked for already in force (ours runs with its mask); one
 *     with SA_RESETHAND gets SIG_DFL put back first, as the kernel does;
 *   - SIG_DFL, or SIG_IGN for a fault the kernel raised (it cannot be
 *     ignored: the kernel then kills the process with SIG_DFL's action):
 *     that action is put back, and the fault, on return, happens again
 *     under it; a SIGSEGV sent by a process (kill, tgkill) is sent again,
 *     and arrives when the handler returns and the mask is restored;
 *   - SIG_IGN for a sent SIGSEGV: nothing.
 * Putting the previous action back means the shim's handler is gone:
 * later held stacks are not protected (ud_fault_arm sees it). */
static void chain(int sig, siginfo_t *si, void *uc) {
  ksigaction p = prev;
  bool sent = si != NULL && si->si_code <= 0; /* SI_USER, SI_QUEUE, SI_TKILL, ... */
  if (p.handler == (void *)SIG_IGN && sent)
    return;
  if (p.handler == (void *)SIG_DFL || p.handler == (void *)SIG_IGN) {
    __atomic_store_n(&state, LOST, __ATOMIC_RELEASE);
    ksigaction_call(sig, &p, NULL);
    if (sent)
      syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    return;
  }
  if (p.flags & SA_RESETHAND) {
    ksigaction dfl = {.handler = (void *)SIG_DFL};
    __atomic_store_n(&state, LOST, __ATOMIC_RELEASE);
    ksigaction_call(sig, &dfl, NULL);
  }
  if (p.flags & SA_SIGINFO)
    ((void (*)(int, siginfo_t *, void *))p.handler)(sig, si, uc);
  else
    ((void (*)(int))p.handler)(sig);
}

void ud_fault_handler(int sig, siginfo_t *si, void *uc) {
  /* A held stack is PROT_NONE: an access to it is a SEGV_ACCERR the
   * kernel raised, at an address a guard word covers. */
  if (sig == SIGSEGV && si != NULL && si->si_code == SEGV_ACCERR && uc != NULL &&
      ud_quarantine_guards((uint64_t)(uintptr_t)si->si_addr)) {
    const mcontext_t *mc = &((ucontext_t *)uc)->uc_mcontext;
    /* The page fault's error code: bit 1 a write, bit 4 an instruction
     * fetch, else a read. */
    uint64_t err = (uint64_t)mc->gregs[REG_ERR];
    enum ud_access op = err & 0x10 ? UD_ACCESS_EXECUTE : err & 2 ? UD_ACCESS_WRITE : UD_ACCESS_READ;
    /* Returns when the access is to be made again: the program goes on
     * (halt_on_error=0, the stack accessible now), or the stack was let go
     * meanwhile and is the runtime's again. */
    ud_quarantine_fault((uint64_t)(uintptr_t)si->si_addr, op, (uint64_t)mc->gregs[REG_RIP],
                        (uint64_t)mc->gregs[REG_RSP], uc);
    return;
  }
  chain(sig, si, uc);
}
