/* gate: the cgo context function, the shim's view of callback entry and
 * exit.
 *
 * The runtime's C side calls the installed context function on the C
 * thread at the start of every exported-Go wrapper (Context == 0) and, when
 * the value returned was nonzero, again after the callback returned
 * (Context == that value). At entry, if the thread's goroutine is inside a
 * gate frame (in _Gsyscall at a known X), the gate is snapshotted; at exit
 * it is checked (verify.c) and dropped. A context function the program sets
 * with runtime.SetCgoTraceback is chained, and sees its own values. */
#ifndef UNDEAD_GATE_H
#define UNDEAD_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ud_context_arg {
  uintptr_t Context;
};
typedef void (*ud_context_fn)(struct ud_context_arg *);

/* Our context function (installed by ud_gate_install). */
void ud_gate_context(struct ud_context_arg *arg);

struct ud_cgo_context;

/* Installs ud_gate_context as the program's context function, and our
 * setter wrappers in the Go variable runtime.SetCgoTraceback calls through
 * (when linked). Run before the Go runtime starts. */
bool ud_gate_install(const struct ud_cgo_context *c, uint64_t bias, char *why, size_t cap);

#endif
