#!/usr/bin/env bash
# The hot path's rule (README "How it works"): from the trampolines the
# patched runtime reaches (stack copy, callback entry and return, move_on_callback,
# runtime.exit, copystack's stackfree under quarantine=1, every stackalloc
# and stackfree under own_small_stacks=1), and from the
# SIGSEGV handler the quarantine installs (check/fault.h: it runs at every
# fault of the process, Go's nil-dereference panics included) and from the
# longjmp interposers (check/longjmp.h), no code of libundead.so reaches an
# allocator, a mutex, a once-call or the loader's lock. Read from the machine code of the built
# library (objdump): every call, tail jump and address taken of a function
# (a callback passed on) is an edge; the walk starts at the trampolines and
# stops at ud_emit and ud_emit_left_stack_write, the reports (README "Reports": it runs once per (gate,
# slot), before the program stops, and may take libunwind's locks). Each
# forbidden function reached is named with the path to it.
# HOTPATH_SO=FILE looks at another build of the library.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
so=${HOTPATH_SO:-$UNDEAD_SO}
[ -f "$so" ] || fail "shim not built: $so"
command -v objdump >/dev/null || fail "objdump not found (binutils)"
objdump -d --no-show-raw-insn "$so" > "$UNDEAD_WORK/hotpath.dis" || fail "objdump $so"
python3 - "$UNDEAD_WORK/hotpath.dis" <<'PY'
import re, sys
entries = ["ud_tramp_copystack", "ud_tramp_callback_return", "ud_tramp_callback_move", "ud_tramp_exit",
           "ud_tramp_stackfree", "ud_tramp_stackalloc", "ud_tramp_callback_enter", "ud_fault_handler",
           "longjmp", "_longjmp", "siglongjmp", "__longjmp_chk"]
# ud_jump_resolve looks the next longjmp up: called only by a jump made
# before the shim's constructor ran (start-up resolves all four).
boundary = {"ud_emit", "ud_emit_left_stack_write", "ud_jump_resolve"}
forbidden = re.compile(r"^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|valloc|"
                       r"ud_alloc|ud_free|je_\w+|\w*jemalloc\w*|pthread_mutex_\w+|pthread_once|"
                       r"pthread_rwlock_\w+|pthread_cond_\w+|pthread_spin_lock|sem_wait|sem_timedwait|"
                       r"pthread_key_create|pthread_getspecific|dlsym|dlvsym|dlopen|dlclose|dladdr\w*|"
                       r"dl_iterate_phdr|__tls_get_addr|fopen\w*|fwrite|fputs|fprintf|printf|vfprintf|"
                       r"strerror|strerror_r|getenv|secure_getenv|mmap|munmap|sbrk|brk|"
                       r"_U\w+|unw_\w+)$")
funcs, edges, cur = set(), {}, None
head = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
ref = re.compile(r"<([^>+]+)(\+0x[0-9a-f]+)?>")
lines = open(sys.argv[1]).read().splitlines()
for l in lines:
    m = head.match(l)
    if m:
        cur = m.group(1)
        funcs.add(cur)
        edges.setdefault(cur, set())
for l in lines:
    m = head.match(l)
    if m:
        cur = m.group(1); continue
    if cur is None or "\t" not in l:
        continue
    for name, off in ref.findall(l):
        base = name.split("@")[0]
        if name.endswith("@plt") or "@" in name:
            edges[cur].add(base); continue
        if name == cur or name not in funcs:
            continue
        # a call or jump into another function, or its address taken
        edges[cur].add(name)
missing = [e for e in entries if e not in funcs]
if missing:
    print("FAIL: no symbol for", ", ".join(missing), "(a stripped library?)"); sys.exit(1)
seen, parent, todo, bad = set(entries), {}, list(entries), []
while todo:
    f = todo.pop()
    for g in sorted(edges.get(f, ())):
        if g in seen:
            continue
        seen.add(g); parent[g] = f
        if forbidden.match(g):
            bad.append(g); continue
        if g in boundary:
            continue
        todo.append(g)
def path(g):
    p = [g]
    while p[-1] in parent:
        p.append(parent[p[-1]])
    return " <- ".join(p)
print("hot path: %d functions reachable from %s" % (len(seen), ", ".join(entries)))
for g in sorted(bad):
    print("FAIL  reaches %s" % path(g))
print("outside calls:", " ".join(sorted(set(g for g in seen if g not in funcs))))
sys.exit(1 if bad else 0)
PY
rc=$?
[ "$rc" = 0 ] || fail "the hot path of $so reaches forbidden functions"
echo PASS
