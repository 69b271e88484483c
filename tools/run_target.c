/* run_target: the ELF program headers and dynamic section of the command
 * `undead run` is about to exec, read with libelf; and execvp's PATH
 * search, which `undead doctor` uses too. */
#include "run_target.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

static bool is_exec_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

bool ud_find_command(const char *cmd, char *out, size_t cap) {
  if (strchr(cmd, '/') != NULL)
    return snprintf(out, cap, "%s", cmd) < (int)cap && is_exec_file(out);
  const char *path = getenv("PATH");
  if (path == NULL)
    path = "/bin:/usr/bin";
  for (const char *p = path;; p++) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (snprintf(out, cap, "%.*s%s%s", (int)n, p, n ? "/" : "", cmd) < (int)cap && is_exec_file(out))
      return true;
    if (e == NULL)
      return false;
    p = e;
  }
}

bool ud_is_asan_runtime(const char *lib) {
  const char *base = strrchr(lib, '/');
  base = base ? base + 1 : lib;
  return strncmp(base, "libasan.so", 10) == 0 || strncmp(base, "libclang_rt.asan", 16) == 0;
}

/* The first DT_NEEDED entry that is an ASan runtime, from the section the
 * dynamic segment points into. */
static void find_asan(Elf *e, ud_run_target *t) {
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(e, scn)) != NULL) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
      continue;
    Elf_Data *d = elf_getdata(scn, NULL);
    for (size_t i = 0; d != NULL && i < sh.sh_size / sh.sh_entsize; i++) {
      GElf_Dyn dyn;
      if (gelf_getdyn(d, (int)i, &dyn) == NULL || dyn.d_tag == DT_NULL)
        break;
      if (dyn.d_tag != DT_NEEDED)
        continue;
      const char *name = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
      if (name != NULL && ud_is_asan_runtime(name)) {
        snprintf(t->asan, sizeof t->asan, "%s", name);
        return;
      }
    }
  }
}

/* The kernel's rule for AT_SECURE at exec, for this process's real ids:
 * the set-user-ID bit to another user, the set-group-ID bit (with group
 * execute) to another group, or file capabilities for a user other than
 * root, on a file system mounted without nosuid. */
static const char *secure_reason(int fd) {
  struct stat st;
  struct statvfs vfs;
  if (fstat(fd, &st) != 0 || (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)))
    return NULL;
  if ((st.st_mode & S_ISUID) && st.st_uid != getuid())
    return "setuid";
  if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != getgid())
    return "setgid";
  if (getuid() != 0 && fgetxattr(fd, "security.capability", NULL, 0) > 0)
    return "file capabilities";
  return NULL;
}

bool ud_run_target_inspect(const char *cmd, ud_run_target *t) {
  memset(t, 0, sizeof *t);
  if (!ud_find_command(cmd, t->path, sizeof t->path))
    return false;
  if (elf_version(EV_CURRENT) == EV_NONE)
    return false;
  int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  t->secure = secure_reason(fd);
  Elf *e = elf_begin(fd, ELF_C_READ, NULL);
  size_t nph = 0;
  if (e != NULL && elf_kind(e) == ELF_K_ELF && elf_getphdrnum(e, &nph) == 0) {
    t->elf = true;
    for (size_t i = 0; i < nph; i++) {
      GElf_Phdr ph;
      if (gelf_getphdr(e, (int)i, &ph) != NULL && ph.p_type == PT_INTERP)
        t->dynamic = true;
    }
    if (t->dynamic)
      find_asan(e, t);
  }
  elf_end(e);
  close(fd);
  return true;
}
