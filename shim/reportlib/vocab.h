/* vocab: the closed vocabularies of a report, one table each, in the manner
 * of the sanitizers' error-kind lists. A row gives the enumerator the model
 * carries, the string the JSON carries (schema undead-report/1: these
 * strings never change meaning), and the words the renderings use.
 * docs/report-schema.json lists the same strings (tests/e2e/report_vocab.sh
 * checks it); the JSON reader refuses any other. */
#ifndef UNDEAD_REPORT_VOCAB_H
#define UNDEAD_REPORT_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

/* What was found.
 * X(id, name, words, sarif_name, short_text, help, g_field)
 *   words       the text report's headline ("undead pointer in ...")
 *   sarif_name  the SARIF rule's name (its id is `name`)
 *   short_text  the SARIF rule's short description
 *   help        one paragraph for people who do not know the runtime
 *   g_field     the slot is a field of g, checked against the goroutine's
 *               current stack when a callback returns (the report's "old"
 *               range is then that current stack) */
#define UD_FOR_EACH_KIND(X)                                                                        \
  X(UD_KIND_UNDEAD_POINTER, "undead-pointer", "undead pointer", "UndeadPointer",                  \
    "A pointer slot the GC treats as live was not adjusted when the goroutine's stack moved",      \
    "An undead pointer is a stack slot that the garbage collector still treats as a live "         \
    "pointer although the compiler considers it dead at the call in progress, so the stack "       \
    "copier did not update it when the goroutine's stack moved: it now points into freed stack "   \
    "memory, and the next GC may crash on it.",                                                    \
    false)                                                                                         \
  X(UD_KIND_STALE_SYSCALL_SP, "stale-syscall-sp", "stale saved syscall SP", "StaleSyscallSP",     \
    "The saved syscall SP restored after a callback lies outside the goroutine's stack",           \
    "The goroutine's saved system-call stack pointer (g.syscallsp), which the runtime restores "   \
    "when a callback returns to C, points outside the goroutine's current stack: the stack moved " \
    "during the callback and the saved value was not updated.",                                   \
    true)                                                                                          \
  X(UD_KIND_STALE_SYSCALL_BP, "stale-syscall-bp", "stale saved syscall BP", "StaleSyscallBP",     \
    "The saved syscall BP restored after a callback lies outside the goroutine's stack",           \
    "The goroutine's saved system-call frame pointer (g.syscallbp), which the runtime restores "   \
    "when a callback returns to C, points outside the goroutine's current stack: the stack moved " \
    "during the callback and the saved value was not updated; unwinders (the execution tracer, "  \
    "profilers) will follow it into freed memory.",                                                \
    true)                                                                                          \
  X(UD_KIND_LEFT_STACK_WRITE, "left-stack-write", "write into a left stack", "LeftStackWrite",    \
    "Memory of a stack a goroutine left while a cgo call was open was written after the move",     \
    "The goroutine's stack moved while one of its cgo calls was open, and something wrote into "   \
    "the stack it left afterwards: C code, or a gate resumed at a stale stack pointer, still held " \
    "an address in the old stack. The write is lost to the program (its frames now live on the "   \
    "new stack) and, once the runtime reuses that memory, corrupts whatever lives there. undead "  \
    "keeps such stacks from reuse, filled with a poison pattern, and checks them when it lets "     \
    "them go.",                                                                                     \
    false)                                                                                         \
  X(UD_KIND_MOVE_IN_SYSCALL, "move-in-syscall", "stack move in a system call",                     \
    "StackMoveInSyscall",                                                                          \
    "A goroutine's stack is being moved while it is in a system call or a C call",                 \
    "The runtime is about to move the stack of a goroutine that is in a system call or a C call "  \
    "(g.syscallsp is set) with no callback running on it. Nothing of that call is adjusted by "   \
    "the move: the saved syscall state, the gate frame the garbage collector scans at X and any "  \
    "pointer C holds into the stack would all be left pointing into the freed stack. The runtime " \
    "must never shrink or grow such a stack (Go issue 10976).",                                    \
    false)                                                                                         \
  X(UD_KIND_STALE_FRAME_POINTER, "stale-frame-pointer", "stale frame pointer",                     \
    "StaleFramePointer",                                                                           \
    "A frame pointer of the goroutine points into a stack it left",                                \
    "The goroutine's frame-pointer chain (g.sched.bp, a BP register, the saved frame pointers of " \
    "its frames) leads into a stack the goroutine left when its stack moved: the move did not "    \
    "adjust it (copystack adjusts g.sched.bp, Go issue 18174). Code does not address its frame "   \
    "through it, so nothing fails at once, but the frame-pointer unwinders (the execution "        \
    "tracer, profilers, debuggers) follow it into freed memory.",                                  \
    false)                                                                                         \
  X(UD_KIND_STALE_RESUME_POINT, "stale-resume-point", "stale resume point", "StaleResumePoint",   \
    "When C returns, the goroutine would resume outside its gate frame",                          \
    "asmcgocall, which runs the C function on the thread's system stack, saved where to put the " \
    "goroutine's stack pointer back when C returns. A callback moved the goroutine's stack in "    \
    "between, and the saved word was not kept relative to the stack (the runtime saves the depth " \
    "below g.stack.hi for this reason): the goroutine would resume in the stack it left, on "      \
    "freed memory, and crash later with a split-stack overflow or a fault.",                       \
    false)                                                                                         \
  X(UD_KIND_LEFT_STACK_ACCESS, "left-stack-access", "access to a left stack", "LeftStackAccess",  \
    "A stack a goroutine left while a cgo call was open was read or written after the move",       \
    "The goroutine's stack moved while one of its cgo calls was open, and code then read or "      \
    "wrote the stack it left: C code, or a gate resumed at a stale stack pointer, still held an "  \
    "address in the old stack. A read gets what the frame held before the move, not what the "     \
    "program has stored since in the frame's new place; a write is lost to the program and, once " \
    "the runtime reuses that memory, corrupts whatever lives there. undead keeps such stacks "     \
    "from reuse and makes each one that owns its memory pages (4 KiB and larger, and 2 KiB ones " \
    "it served on pages of its own) inaccessible while it holds it, so the access itself faults " \
    "and is reported, naming the code that made it; the access has not happened when the report " \
    "is written.",                                                                                 \
    false)                                                                                         \
  X(UD_KIND_STALE_SYSTEM_STACK, "stale-system-stack", "stale system stack bounds",                \
    "StaleSystemStack",                                                                            \
    "A callback from C runs on a C stack outside the system stack bounds the runtime has for the " \
    "thread",                                                                                      \
    "When C calls back into Go, the runtime runs its own code for that thread on the C stack the " \
    "call came from (the M's g0 stack), and checks it against the bounds it keeps for that stack " \
    "(m.g0.stack). C called back from a stack other than the one those bounds describe (a "       \
    "coroutine, swapcontext, a fiber, a signal stack), and the runtime did not update them: its " \
    "overflow checks on that stack are made against another one, so it throws \"morestack on g0\" " \
    "or overflows the C stack unchecked.",                                                         \
    false)                                                                                         \
  X(UD_KIND_LONGJMP_OVER_CALLBACK, "longjmp-over-callback", "longjmp over a Go callback",          \
    "LongjmpOverCallback",                                                                         \
    "C code longjmps to a point set before it called back into Go, over the callback's Go frames", \
    "C code called longjmp (or siglongjmp) with a jmp_buf set before it called back into Go: the " \
    "jump goes back over the callback's Go frames, which then never return. Go does not support "  \
    "this (Go issue 63829): the goroutine stays locked to the thread with its system-call state "   \
    "describing the abandoned frames, and the runtime throws \"exitsyscall: syscall frame is no "  \
    "longer valid\" when the outer C call returns, or corrupts its state later. A longjmp must "    \
    "stay inside one C call that does not call back into Go (a Lua error raised from C code called " \
    "by a Go function, for example, must not cross it). undead checks the jump before it is made.", \
    false)                                                                                         \
  X(UD_KIND_LEFT_STACK_ARGUMENT, "left-stack-argument", "C argument into a left stack",            \
    "LeftStackArgument",                                                                           \
    "An argument of an open C call points into the stack the goroutine is leaving",               \
    "The goroutine's stack is moving while one of its cgo calls is open (a callback from C is "    \
    "running), and an argument that call passed to C holds an address in the stack being left: "   \
    "the address of a Go variable on the stack, passed as a uintptr (C.uintptr_t(uintptr("         \
    "unsafe.Pointer(&x))) keeps x on the stack, Go issues 10303 and 11089). The copy moves the "   \
    "variable; C's copy of "                                                                       \
    "its address is not adjusted, so what C reads or writes through it after the callback "         \
    "returns goes to freed stack memory, and the program never sees it. The address must point "   \
    "to memory that does not move (C memory, or a Go pointer the compiler keeps on the heap).",   \
    false)

/* When the check ran. X(id, name, words) */
#define UD_FOR_EACH_TRIGGER(X)                                                                     \
  X(UD_TRIGGER_STACK_GROWTH, "stack-growth", "stack growth")                                      \
  X(UD_TRIGGER_STACK_SHRINK, "stack-shrink", "stack shrink")                                      \
  X(UD_TRIGGER_CALLBACK_RETURN, "callback-return", "callback return")                             \
  X(UD_TRIGGER_CALLBACK_ENTRY, "callback-entry", "callback entry")                                \
  X(UD_TRIGGER_QUARANTINE_RELEASE, "quarantine-release", "release of a quarantined stack")        \
  X(UD_TRIGGER_EXIT, "exit", "process exit")                                                      \
  X(UD_TRIGGER_ACCESS, "access", "access to the held stack")                                      \
  X(UD_TRIGGER_LONGJMP, "longjmp", "longjmp")

/* Where the stale value points. X(id, name, words, summary_words, own)
 *   words          the text report ("points into <words>")
 *   summary_words  the summary line ("points into the <summary_words>")
 *   own            one of the goroutine's own stacks: the report gives the
 *                  distance from its top and the frame that held it */
#define UD_FOR_EACH_REGION(X)                                                                      \
  X(UD_REGION_OLD_STACK, "old-stack", "the old stack (left by this move)", "stack being left",     \
    true)                                                                                          \
  X(UD_REGION_EARLIER_STACK, "earlier-stack", "a stack the goroutine left earlier (freed)",       \
    "freed earlier stack", true)                                                                   \
  X(UD_REGION_OUTSIDE_STACK, "outside-stack",                                                      \
    "memory outside the goroutine's current stack (no stack it is known to have had)",            \
    "memory outside the goroutine's stacks", false)                                                \
  X(UD_REGION_OUTSIDE_SYSTEM_STACK, "outside-system-stack",                                        \
    "memory outside the system stack bounds the runtime keeps for this thread (m.g0.stack)",       \
    "memory outside the thread's system stack bounds", false)                                      \
  X(UD_REGION_ABOVE_CALLBACK, "above-callback",                                                    \
    "the C frames that called back into Go, above the open callback (m.g0.sched.sp)",             \
    "C frames above an open callback", false)

/* What the slot is. X(id, name) */
#define UD_FOR_EACH_SLOT_KIND(X)                                                                   \
  X(UD_RSLOT_ARG, "arg")     /* an argument slot of the gate frame */                              \
  X(UD_RSLOT_LOCAL, "local") /* a local slot of the gate frame */                                  \
  X(UD_RSLOT_G, "g")         /* a field of a g (g.syscallsp, g.syscallbp, m.g0.sched.sp) */   \
  X(UD_RSLOT_STACK_WORD, "stack-word") /* a word of a stack the goroutine left */         \
  X(UD_RSLOT_SYSTEM_WORD, "system-stack-word") /* a word the runtime saved on g0's stack */     \
  X(UD_RSLOT_JMP_BUF, "jmp-buf") /* the stack pointer a C jmp_buf holds */                     \
  X(UD_RSLOT_C_ARG, "c-arg") /* a word of the argument block a cgo call passes to C */

/* What an access to a left stack did (left-stack-access: the fault's error
 * code). X(id, name, noun, verb)
 *   noun  "a <noun> of a left stack"
 *   verb  "<function> <verb> 0x..." */
#define UD_FOR_EACH_ACCESS(X)                                                                      \
  X(UD_ACCESS_NONE, "none", "access", "accessed") /* not a report of an access */                 \
  X(UD_ACCESS_READ, "read", "read", "read")                                                        \
  X(UD_ACCESS_WRITE, "write", "write", "wrote to")                                                 \
  X(UD_ACCESS_EXECUTE, "execute", "instruction fetch", "jumped to")

#define UD_VOCAB_ENUM(id, ...) id,
enum ud_kind { UD_FOR_EACH_KIND(UD_VOCAB_ENUM) UD_KIND_COUNT };
enum ud_trigger { UD_FOR_EACH_TRIGGER(UD_VOCAB_ENUM) UD_TRIGGER_COUNT };
/* UD_REGION_NONE is no region: what a search that found none returns; it is
 * never in a report. */
enum ud_region { UD_REGION_NONE = -1, UD_FOR_EACH_REGION(UD_VOCAB_ENUM) UD_REGION_COUNT };
enum ud_rslot { UD_FOR_EACH_SLOT_KIND(UD_VOCAB_ENUM) UD_RSLOT_COUNT };
enum ud_access { UD_FOR_EACH_ACCESS(UD_VOCAB_ENUM) UD_ACCESS_COUNT };
#undef UD_VOCAB_ENUM

/* Out-of-range values (a report that was never filled in) get "?" words,
 * never a crash. */
const char *ud_kind_name(enum ud_kind k);
const char *ud_kind_words(enum ud_kind k);
const char *ud_kind_sarif_name(enum ud_kind k);
const char *ud_kind_short(enum ud_kind k);
const char *ud_kind_help(enum ud_kind k);
bool ud_kind_is_g_field(enum ud_kind k);

const char *ud_trigger_name(enum ud_trigger t);
const char *ud_trigger_words(enum ud_trigger t);

const char *ud_region_name(enum ud_region r);
const char *ud_region_words(enum ud_region r);
const char *ud_region_summary_words(enum ud_region r);
bool ud_region_is_own(enum ud_region r);

const char *ud_rslot_name(enum ud_rslot s);

const char *ud_access_name(enum ud_access a);
const char *ud_access_noun(enum ud_access a);
const char *ud_access_verb(enum ud_access a);

/* The vocabularies by name, for readers: which table ("kind", "trigger",
 * "region", "slot-kind", "access"), its size, the name of entry i, and the
 * entry named s (-1 if none). */
typedef enum ud_vocab { UD_VOCAB_KIND, UD_VOCAB_TRIGGER, UD_VOCAB_REGION, UD_VOCAB_SLOT_KIND,
                        UD_VOCAB_ACCESS, UD_VOCAB_COUNT } ud_vocab;
const char *ud_vocab_title(ud_vocab v);
int ud_vocab_size(ud_vocab v);
const char *ud_vocab_name(ud_vocab v, int i);
int ud_vocab_lookup(ud_vocab v, const char *s);

#endif
