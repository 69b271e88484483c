# gdb -batch -x layout_gdb.py BINARY: the runtime field offsets undead needs,
# as gdb reads them from the binary's DWARF (an independent DWARF reader:
# the oracle for tests/e2e/layout_tables.sh). One FIELD=N a line; -1 for a
# field this Go version does not have.
import gdb

def offset(type_name, path):
    t = gdb.lookup_type(type_name).strip_typedefs()
    off = 0
    for name in path.split('.'):
        fields = [f for f in t.fields() if f.name == name]
        if not fields:
            return -1
        off += fields[0].bitpos // 8
        t = fields[0].type.strip_typedefs()
    return off

FIELDS = [
    ("g_stack_lo", "runtime.g", "stack.lo"), ("g_stack_hi", "runtime.g", "stack.hi"),
    ("g_stackguard0", "runtime.g", "stackguard0"),
    ("g_sched_sp", "runtime.g", "sched.sp"), ("g_sched_pc", "runtime.g", "sched.pc"),
    ("g_sched_bp", "runtime.g", "sched.bp"),
    ("g_syscallsp", "runtime.g", "syscallsp"), ("g_syscallpc", "runtime.g", "syscallpc"),
    ("g_syscallbp", "runtime.g", "syscallbp"), ("g_m", "runtime.g", "m"),
    ("g_atomicstatus", "runtime.g", "atomicstatus"), ("g_goid", "runtime.g", "goid"),
    ("m_g0", "runtime.m", "g0"), ("m_curg", "runtime.m", "curg"),
]
for key, type_name, path in FIELDS:
    print("%s=%d" % (key, offset(type_name, path)))
