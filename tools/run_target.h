/* run_target: what `undead run` can know of the program before exec'ing
 * it. A statically linked ELF (no PT_INTERP) never loads LD_PRELOAD: the
 * shim cannot watch it. A program linked against an ASan runtime
 * (gcc -fsanitize=address, go build -asan with gcc) refuses to start
 * unless that runtime comes first in the library list, before the shim.
 * A program that runs setuid or setgid to someone else, or with file
 * capabilities, runs in secure-execution mode: the loader ignores
 * LD_PRELOAD's paths there. */
#ifndef UNDEAD_RUN_TARGET_H
#define UNDEAD_RUN_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ud_run_target {
  char path[PATH_MAX]; /* the file execvp would run */
  bool elf;            /* it is an ELF file this could read */
  bool dynamic;        /* it has PT_INTERP: the dynamic loader runs, LD_PRELOAD applies */
  char asan[128];      /* the DT_NEEDED name of its ASan runtime, or "" */
  /* Why exec'ing it as this user makes a secure-execution process
   * (AT_SECURE), in which the loader drops LD_PRELOAD's paths: "setuid",
   * "setgid", "file capabilities"; NULL when it does not. */
  const char *secure;
} ud_run_target;

/* execvp's search: a name with '/' is a path; else each PATH entry (an
 * empty one is the current directory), with glibc's default PATH
 * ("/bin:/usr/bin") when PATH is unset. True when it names an executable
 * regular file, written to out (cap bytes). */
bool ud_find_command(const char *cmd, char *out, size_t cap);

/* Finds cmd as execvp would (PATH when it has no '/') and reads its ELF
 * headers. False when it cannot be found or read (exec will say why);
 * *t is then "not an ELF file". */
bool ud_run_target_inspect(const char *cmd, ud_run_target *t);

/* Whether the library named (a path or a bare name) is an ASan runtime:
 * libasan.so.N (gcc) or libclang_rt.asan-ARCH.so (clang). */
bool ud_is_asan_runtime(const char *lib);

#endif
