# UNDEAD_FIELDS="member:g:path ..." gdb -batch -x layout_gdb.py BINARY: the
# runtime field offsets undead reads, as gdb reads them from the binary's
# DWARF (an independent DWARF reader: the oracle for layout_sources.sh). The
# fields are the core's own list (layout_probe's fields= line). One
# MEMBER=N a line; -1 for a field this Go version does not have.
import os
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

for spec in os.environ["UNDEAD_FIELDS"].split():
    member, st, path = spec.split(":")
    print("%s=%d" % (member, offset("runtime." + st, path)))
