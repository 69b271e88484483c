/* shim: where libundead.so finds the Go runtimes of a process, and its
 * start-up.
 *
 * A Go runtime lives in one of three places:
 *   - the executable, built by Go (the usual cgo program) or by a C linker
 *     around a Go archive (-buildmode=c-archive): the constructor finds it
 *     and hooks it before the executable's own initialisers (which start a
 *     c-archive's runtime) and before Go's rt0 runs;
 *   - a Go library (-buildmode=c-shared) loaded at start-up or later with
 *     dlopen: its initialiser starts the runtime on a new thread, through
 *     pthread_create, before any Go code that can move a stack runs
 *     (runtime/cgo's _cgo_try_pthread_create; libpreinit before it is
 *     nosplit). The shim's pthread_create looks, once per calling object,
 *     whether the caller holds a Go runtime not yet watched, and hooks it
 *     before the thread starts. That needs no LD_AUDIT and no dlopen
 *     interposer (which would see the library only after its initialiser
 *     ran), works for libraries that an initialiser runs before the shim's
 *     own constructor, and costs an ordinary thread creation a few
 *     comparisons (the calling segment's range) once its caller is known.
 * In anything else (no Go runtime, or UNDEAD=0) it does nothing: in a
 * program without Go, a few dlsyms (crosscall2, the next longjmp
 * functions) and a few reads of its ELF headers; no allocation, nothing
 * printed. The Go toolchain's own commands built with
 * cgo are recognised and left alone, silently. Whatever it cannot do turns
 * it off for that runtime with one line on stderr naming the program or
 * library. */
#include "shim.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libunwind.h>

#include "alloc.h"
#include "attach.h"
#include "entry.h"
#include "counts.h"
#include "cstack.h"
#include "history.h"
#include "quarantine.h"
#include "log.h"
#include "longjmp_next.h"
#include "report_out.h"
#include "report_emit.h"

ud_shim_state ud_shim;

/* ---- start-up, once, when the first Go runtime shows up -------------------- */

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static bool switched_off; /* UNDEAD=0, read in the constructor */

static void start(void) {
  char why[400];
  ud_options_default(&ud_shim.opt);
  if (!ud_options_parse(getenv("UNDEAD_OPTIONS"), &ud_shim.opt, why, sizeof why)) {
    ud_log("%s; the shim is off", why);
    return;
  }
  /* A secure-execution process (setuid, setgid, file capabilities) runs
   * with the rights of someone other than the user who set its
   * environment: as glibc does with its own variables (secure_getenv), the
   * environment does not choose a file it writes. */
  if (getauxval(AT_SECURE) != 0 && ud_log_kind(ud_shim.opt.log_path) == UD_LOG_FILE) {
    ud_log("secure execution (setuid, setgid or capabilities): log_path is ignored, reports go to "
           "stderr");
    ud_str_fmt(ud_shim.opt.log_path, sizeof ud_shim.opt.log_path, "stderr");
  }
  if (ud_shim.opt.help) {
    ud_options_print_help(2);
    _exit(0);
  }
  if (!ud_alloc_is_private()) {
    ud_log("disabled: the shim's allocator is not private (link error)");
    return;
  }
  ud_cstack_init();
  ud_counts_init();
  if (!ud_longjmp_start(ud_shim.opt.check_longjmp, why, sizeof why))
    ud_log("longjmp is not checked: %s", why);
  if (!ud_history_init()) {
    ud_log("disabled: out of memory");
    return;
  }
  ud_shim.enabled = true;
}

static bool started(void) {
  pthread_once(&start_once, start);
  return ud_shim.enabled;
}

/* ---- one runtime ------------------------------------------------------------ */

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;

/* The Go toolchain's own commands (main package cmd/...: go, pprof, trace;
 * not the tests of cmd packages, "cmd/....test") are built with cgo by some
 * distributions, often stripped. They are never what the shim is for; it
 * stays silent and off there, as it does in any program without cgo. */
static bool is_go_tool(const ud_image *img) {
  uint64_t vaddr, size;
  const void *data;
  if (!ud_image_section(img, ".go.buildinfo", &vaddr, &size, &data) || data == NULL)
    return false;
  size_t n = size < 4096 ? size : 4096;
  static const char key[] = "path\tcmd/";
  const char *p = memmem(data, n, key, sizeof key - 1);
  if (p == NULL)
    return false;
  const char *end = memchr(p, '\n', n - (size_t)(p - (const char *)data));
  return end != NULL && !(end - p >= 5 && memcmp(end - 5, ".test", 5) == 0);
}

/* Watches the Go runtime in the object loaded from file (shown as name),
 * with this bias and these program headers: read in place (image.h). */
static void attach(const char *file, const char *name, uint64_t bias, const ElfW(Phdr) *phdr,
                   size_t phnum, bool library) {
  char why[400];
  ud_err err = {0};
  ud_image *img = ud_image_open_loaded(file, bias, phdr, phnum, &err);
  if (img == NULL) {
    if (started())
      ud_log("disabled in %s: cannot read it: %s", name, err.msg);
    return;
  }
  if (!library && is_go_tool(img)) {
    ud_image_close(img);
    return;
  }
  if (!started()) {
    ud_image_close(img);
    return;
  }
  pthread_mutex_lock(&attach_lock);
  bool quiet = false;
  ud_rt *rt = NULL;
  if (ud_shim.nrts == UD_MAX_RUNTIMES)
    ud_log("not watching %s: more than %d Go runtimes in one process", name, UD_MAX_RUNTIMES);
  else if ((rt = ud_rt_attach(img, name, bias, library, &ud_shim.opt, &quiet, why, sizeof why)) == NULL &&
           (!quiet || ud_shim.opt.verbosity >= 1))
    ud_log("disabled in %s: %s", name, why);
  if (rt != NULL) {
    /* Once started, the shim holds nothing of the program's: libelf's and
     * libdw's allocations (from the process's malloc) are freed. */
    ud_image_drop_elf(img);
    ud_shim.rts[ud_shim.nrts] = rt;
    __atomic_store_n(&ud_shim.nrts, ud_shim.nrts + 1, __ATOMIC_RELEASE);
  } else {
    ud_image_close(img);
  }
  pthread_mutex_unlock(&attach_lock);
}

static bool seen_before(uintptr_t bias);

/* Go libraries whose runtime started without passing through the shim's
 * pthread_create: loaded with RTLD_DEEPBIND (the library binds its own
 * pthread_create to libc's first) or by dlmopen into another namespace
 * (where the shim is not loaded). Their runtimes run unwatched, and by the
 * time the shim could see them they are running: never patched late. One
 * line each at exit, so that no runtime is missed silently. */
typedef struct unwatched {
  const char *names[UD_MAX_RUNTIMES];
  size_t n;
} unwatched;

static int find_unwatched(struct dl_phdr_info *info, size_t size, void *p) {
  unwatched *u = p;
  (void)size;
  if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0' || seen_before(info->dlpi_addr))
    return 0;
  for (size_t i = 0; i < __atomic_load_n(&ud_shim.nrts, __ATOMIC_ACQUIRE); i++)
    if (ud_shim.rts[i]->bias == info->dlpi_addr)
      return 0;
  bool exec = false;
  for (int i = 0; i < info->dlpi_phnum; i++)
    exec |= info->dlpi_phdr[i].p_type == PT_LOAD && (info->dlpi_phdr[i].p_flags & PF_X);
  if (exec && u->n < UD_MAX_RUNTIMES && ud_file_has_go(info->dlpi_name))
    u->names[u->n++] = info->dlpi_name;
  return 0;
}

/* dl_iterate_phdr sees the caller's namespace only: the others (dlmopen)
 * are on the loader's debugger list (r_debug_extended, r_version 2). */
static void find_unwatched_namespaces(unwatched *u) {
  void *base = &_r_debug;
  __asm__("" : "+r"(base)); /* the loader's object is the extended one when r_version >= 2 */
  struct r_debug_extended *ns = base;
  if (ns->base.r_version < 2)
    return;
  for (ns = ns->r_next; ns != NULL; ns = ns->r_next)
    for (struct link_map *l = ns->base.r_map; l != NULL; l = l->l_next)
      if (l->l_name != NULL && l->l_name[0] == '/' && u->n < UD_MAX_RUNTIMES && ud_file_has_go(l->l_name))
        u->names[u->n++] = l->l_name;
}

static void report_unwatched(void) {
  if (switched_off)
    return;
  unwatched u = {.n = 0};
  dl_iterate_phdr(find_unwatched, &u);
  find_unwatched_namespaces(&u);
  if (u.n == 0 || !started())
    return;
  for (size_t i = 0; i < u.n; i++)
    ud_log("not watched: Go library %s: its runtime started without calling the shim's "
           "pthread_create (loaded with RTLD_DEEPBIND, or by dlmopen into another namespace): "
           "nothing in it was checked", u.names[i]);
}

int ud_on_exit(ud_rt *rt, int status) {
  return ud_end_process(&ud_shim.opt, rt->path, rt->go_version, status);
}

/* Programs that end through libc (C hosts of Go libraries) run this; Go
 * programs leave by exit_group, through the runtime.exit hook instead.
 * libc does not say with which status it is ending: after a report
 * (halt_on_error=0) the process ends here with the options' exitcode,
 * once its stdio buffers are flushed as exit would have. */
__attribute__((destructor)) static void ud_shim_fini(void) {
  report_unwatched();
  if (__atomic_load_n(&ud_shim.nrts, __ATOMIC_ACQUIRE) == 0)
    return;
  int status = ud_end_process(&ud_shim.opt, ud_shim.rts[0]->path, ud_shim.rts[0]->go_version, -1);
  if (status != -1) {
    fflush(NULL);
    _exit(status);
  }
}

/* ---- Go libraries: the runtime starts its first thread ---------------------- */

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static pthread_create_fn real_pthread_create;

/* The objects whose threads were looked at: each is checked once, and a
 * call from the segment it was first seen calling from is known by its
 * range alone, without the loader's lock (dl_iterate_phdr). */
enum { SEEN_MAX = 64 };
typedef struct seen_object {
  uintptr_t bias, lo, hi;
  bool interceptor; /* defines its own pthread_create and passes the call on */
} seen_object;
static seen_object seen[SEEN_MAX];
static size_t nseen;

typedef struct caller_object {
  uintptr_t pc;
  bool found;
  uintptr_t bias, lo, hi; /* the object's load bias; the segment holding pc */
  const ElfW(Phdr) *phdr;
  size_t phnum;
  const char *name;
  bool is_main;
} caller_object;

static int find_caller(struct dl_phdr_info *info, size_t size, void *p) {
  caller_object *c = p;
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && c->pc >= lo && c->pc < lo + ph->p_memsz) {
      c->found = true;
      c->bias = info->dlpi_addr;
      c->lo = lo;
      c->hi = lo + ph->p_memsz;
      c->name = info->dlpi_name;
      c->phdr = info->dlpi_phdr;
      c->phnum = info->dlpi_phnum;
      return 1;
    }
  }
  c->is_main = false;
  return 0;
}

static bool seen_before(uintptr_t bias) {
  size_t n = __atomic_load_n(&nseen, __ATOMIC_ACQUIRE);
  for (size_t i = 0; i < n; i++)
    if (seen[i].bias == bias)
      return true;
  return false;
}

static const seen_object *seen_pc(uintptr_t pc) {
  size_t n = __atomic_load_n(&nseen, __ATOMIC_ACQUIRE);
  for (size_t i = 0; i < n; i++)
    if (pc >= seen[i].lo && pc < seen[i].hi)
      return &seen[i];
  return NULL;
}

/* Whether the object (name, holding the segment [lo, hi)) defines a
 * pthread_create of its own: a sanitizer runtime's interceptor (libasan,
 * libtsan) or another wrapper, which calls the shim's as the next one. The
 * shim's caller is then the wrapper, not the object creating the thread. */
static bool defines_pthread_create(const char *name, uintptr_t bias) {
  if (name == NULL || name[0] == '\0')
    return false;
  void *h = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
  if (h == NULL)
    return false;
  void *f = dlsym(h, "pthread_create");
  Dl_info info;
  bool own = f != NULL && f != (void *)pthread_create && dladdr(f, &info) != 0 &&
             (uintptr_t)info.dli_fbase >= bias && info.dli_fname != NULL && strcmp(info.dli_fname, name) == 0;
  dlclose(h);
  return own;
}

static void look_at_caller(uintptr_t pc);

/* Through a wrapper: the frames above the shim's pthread_create, past the
 * wrapper's, name the object that really creates the thread (libunwind,
 * from the wrappers' unwind tables). Only for calls that come through a
 * wrapper. */
static void look_through_wrapper(void) {
  void *frames[24];
  int n = unw_backtrace(frames, 24);
  bool in_wrapper = false;
  for (int i = 0; i < n; i++) {
    uintptr_t pc = (uintptr_t)frames[i];
    const seen_object *s = seen_pc(pc);
    if (s != NULL && s->interceptor) {
      in_wrapper = true;
      continue;
    }
    if (!in_wrapper)
      continue; /* the shim's own frames */
    look_at_caller(pc);
    return;
  }
}

/* The caller of pthread_create, if it is an object not looked at yet that
 * holds a Go runtime, is attached before its thread starts; a call through
 * a wrapper is looked through. */
static void check_caller(uintptr_t pc) {
  const seen_object *s = seen_pc(pc);
  if (s == NULL) {
    look_at_caller(pc);
    s = seen_pc(pc);
  }
  if (s != NULL && s->interceptor)
    look_through_wrapper();
}

static void look_at_caller(uintptr_t pc) {
  if (seen_pc(pc))
    return;
  caller_object c = {.pc = pc, .is_main = true};
  dl_iterate_phdr(find_caller, &c);
  if (!c.found || seen_before(c.bias))
    return;
  bool interceptor = !c.is_main && defines_pthread_create(c.name, c.bias);
  /* Past SEEN_MAX objects, callers are looked at each time (a few
   * reads of an ELF header), never left out. */
  pthread_mutex_lock(&attach_lock);
  bool fresh = !seen_before(c.bias);
  if (fresh && nseen < SEEN_MAX) {
    seen[nseen] = (seen_object){c.bias, c.lo, c.hi, interceptor};
    __atomic_store_n(&nseen, nseen + 1, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&attach_lock);
  if (!fresh)
    return;
  /* The main program (the first object, name "") was handled by the
   * constructor, or holds no runtime. */
  if (c.is_main || c.name == NULL || c.name[0] == '\0')
    return;
  for (size_t i = 0; i < __atomic_load_n(&ud_shim.nrts, __ATOMIC_ACQUIRE); i++)
    if (ud_shim.rts[i]->bias == c.bias)
      return;
  if (ud_file_has_go(c.name))
    attach(c.name, c.name, c.bias, c.phdr, c.phnum, true);
}

/* A library's initialiser may run before the shim's constructor: the
 * switch is then read here. */
static void read_switch(void) {
  const char *on = getenv("UNDEAD");
  switched_off = on != NULL && strcmp(on, "0") == 0;
}
static pthread_once_t switch_once = PTHREAD_ONCE_INIT;

__attribute__((visibility("default"))) int pthread_create(pthread_t *t, const pthread_attr_t *attr,
                                                          void *(*fn)(void *), void *arg) {
  pthread_create_fn real = __atomic_load_n(&real_pthread_create, __ATOMIC_ACQUIRE);
  if (real == NULL) {
    real = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
    __atomic_store_n(&real_pthread_create, real, __ATOMIC_RELEASE);
  }
  pthread_once(&switch_once, read_switch);
  if (!switched_off)
    check_caller((uintptr_t)__builtin_return_address(0));
  return real(t, attr, fn, arg);
}

/* ---- the executable ---------------------------------------------------------- */

typedef struct main_probe {
  uintptr_t addr;
  bool inside;
  uint64_t bias;
  const ElfW(Phdr) *phdr;
  size_t phnum;
  bool seen;
} main_probe;

/* The first object dl_iterate_phdr reports is the main program. */
static int probe_main(struct dl_phdr_info *info, size_t size, void *p) {
  main_probe *m = p;
  (void)size;
  m->seen = true;
  m->bias = info->dlpi_addr;
  m->phdr = info->dlpi_phdr;
  m->phnum = info->dlpi_phnum;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD)
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (m->addr >= lo && m->addr < lo + ph->p_memsz)
      m->inside = true;
  }
  return 1;
}

__attribute__((constructor)) static void ud_shim_init(void) {
  ud_longjmp_resolve_all();
  pthread_once(&switch_once, read_switch);
  if (switched_off)
    return;
  /* A Go program with cgo exports crosscall2; a C program around a Go
   * archive usually does not, but carries the Go function table. */
  void *cc2 = dlsym(RTLD_DEFAULT, "crosscall2");
  main_probe mp = {.addr = (uintptr_t)cc2};
  dl_iterate_phdr(probe_main, &mp);
  if (!mp.seen)
    return;
  if ((cc2 != NULL && mp.inside) || ud_file_has_go("/proc/self/exe")) {
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    /* The file by its name where that is still the program (a separate
     * debug file named by .gnu_debuglink is looked for beside it), else
     * through /proc. */
    struct stat a, b;
    bool same = n > 0 && stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
                a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    attach(same ? path : "/proc/self/exe", path, mp.bias, mp.phdr, mp.phnum, false);
  }
}
