#!/usr/bin/env python3
"""layout_plant.py IN OUT TYPEADDR FIELD DELTA: copies the Go binary IN to
OUT with the offset of FIELD in the struct type descriptor at TYPEADDR (a
link-time address) moved by DELTA bytes: a planted wrong layout, for the
cross-check test. Reads the ELF program headers and the descriptor
(abi.StructType: fields slice at +56; StructField {name, typ, offset}, 24
bytes; name: flag byte, varint length, bytes) itself, independently of the
core."""
import struct
import sys

src, dst, taddr, field, delta = sys.argv[1], sys.argv[2], int(sys.argv[3], 0), sys.argv[4], int(sys.argv[5])
data = bytearray(open(src, "rb").read())
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
loads = []
for i in range(phnum):
    p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
    if p_type == 1:
        loads.append((p_vaddr, p_offset, p_filesz))

def fileoff(va):
    for v, o, n in loads:
        if v <= va < v + n:
            return o + va - v
    sys.exit("address %#x is not in the file" % va)

def word(va):
    return struct.unpack_from("<Q", data, fileoff(va))[0]

def name(va):
    o = fileoff(va) + 1
    n = shift = 0
    while True:
        b = data[o]; o += 1
        n |= (b & 0x7f) << shift; shift += 7
        if b < 0x80:
            break
    return data[o:o + n].decode()

fields, nfields = word(taddr + 56), word(taddr + 64)
for i in range(nfields):
    f = fields + 24 * i
    if name(word(f)) == field:
        o = fileoff(f + 16)
        old, = struct.unpack_from("<Q", data, o)
        struct.pack_into("<Q", data, o, old + delta)
        open(dst, "wb").write(data)
        print("%s: %d -> %d" % (field, old, old + delta))
        sys.exit(0)
sys.exit("no field %s in the type at %#x" % (field, taddr))
