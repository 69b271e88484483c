#!/usr/bin/env python3
"""tls_to_global.py ARCHIVE MEMBER OUT.o: the x86-64 relocatable object
MEMBER of ARCHIVE, its local-exec TLS variables made ordinary process-wide
ones.

Debian's libelf.a and libdw.a are PIC but for four objects (elf_error.o,
dwarf_error.o, dwfl_error.o, libdw_alloc.o) that keep an error code or a
thread number in __thread variables accessed with the local-exec model
(%fs:var@tpoff, R_X86_64_TPOFF32), which no shared object may use. This
rewrites each such access `%fs:[disp32]` into the RIP-relative `[rip+disp32]`
(the instruction loses its %fs prefix and SIB byte, a two-byte NOP keeps
every other offset in place), the relocation into R_X86_64_PC32, the
variables into plain data and their sections into .data/.bss; its global
symbols are made hidden.

Why that is sound here: the shim and the undead command call libelf and
libdw from one thread at a time (the shim's start-up under its attach lock,
its reports under the report lock), so a per-thread error code or thread
number has nothing to tell apart. Anything this does not recognise is an
error: the build fails rather than link a wrong object."""
import struct
import subprocess
import sys

R_X86_64_PC32, R_X86_64_TPOFF32 = 2, 23
SHT_SYMTAB, SHT_RELA = 2, 4
SHF_TLS = 0x400
STT_OBJECT, STT_TLS = 1, 6
IMM = {0x83: 1, 0xC7: 4, 0x8B: 0, 0x89: 0, 0x63: 0}


def die(msg):
    sys.exit("tls_to_global: %s(%s): %s" % (sys.argv[1], sys.argv[2], msg))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: tls_to_global.py ARCHIVE MEMBER OUT.o")
    data = bytearray(subprocess.run(["ar", "p", sys.argv[1], sys.argv[2]], check=True,
                                    stdout=subprocess.PIPE).stdout)
    if data[:4] != b"\x7fELF" or data[4] != 2 or struct.unpack_from("<H", data, 18)[0] != 62:
        die("not an x86-64 ELF64 object")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    secs = []
    for i in range(shnum):
        secs.append(list(struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)))
    NAME, TYPE, FLAGS, ADDR, OFF, SIZE, LINK, INFO, ALIGN, ENTSIZE = range(10)
    shstr_off = secs[shstrndx][OFF]

    def sec_name(s):
        o = shstr_off + s[NAME]
        return bytes(data[o:data.index(0, o)]).decode()

    symtab = next((s for s in secs if s[TYPE] == SHT_SYMTAB), None)
    if symtab is None:
        die("no symbol table")
    tls_syms = set()
    for s in secs:
        if s[TYPE] != SHT_RELA:
            continue
        text = secs[s[INFO]]
        for k in range(s[SIZE] // 24):
            ro = s[OFF] + 24 * k
            off, info, addend = struct.unpack_from("<QQq", data, ro)
            if info & 0xFFFFFFFF != R_X86_64_TPOFF32:
                continue
            p = text[OFF] + off  # the disp32
            if data[p - 1] != 0x25 or data[p - 2] & 0xC7 != 0x04:
                die("TPOFF32 at %#x is not an [disp32] operand" % off)
            op = data[p - 3]
            if data[p - 4] == 0x64:
                start, rex = p - 4, b""
            elif data[p - 5] == 0x64 and 0x40 <= data[p - 4] <= 0x4F:
                start, rex = p - 5, bytes([data[p - 4]])
            else:
                die("TPOFF32 at %#x has no %%fs prefix" % off)
            if op not in IMM:
                die("TPOFF32 at %#x: opcode %#x not handled" % (off, op))
            imm_n = IMM[op]
            end = p + 4 + imm_n
            imm = bytes(data[p + 4:end])
            new = rex + bytes([op, (data[p - 2] & 0x38) | 0x05]) + b"\0\0\0\0" + imm + b"\x66\x90"
            assert len(new) == end - start
            data[start:end] = new
            disp = start + len(rex) + 2
            struct.pack_into("<QQq", data, ro, disp - text[OFF], (info >> 32) << 32 | R_X86_64_PC32,
                             addend - 4 - imm_n)
            tls_syms.add(info >> 32)
    if not tls_syms:
        die("no local-exec TLS access")
    for i in tls_syms:
        so = symtab[OFF] + 24 * i
        st_info = data[so + 4]
        if st_info & 0xF not in (STT_TLS, STT_OBJECT):
            die("symbol %d is not a TLS variable" % i)
        data[so + 4] = (st_info & 0xF0) | STT_OBJECT
    # Its global symbols hidden, as --exclude-libs makes those of the
    # archive members the shim links (this object is no longer one).
    for k in range(symtab[SIZE] // 24):
        so = symtab[OFF] + 24 * k
        shndx, = struct.unpack_from("<H", data, so + 6)
        if data[so + 4] >> 4 != 0 and shndx != 0:
            data[so + 5] = (data[so + 5] & ~3) | 2  # STV_HIDDEN
    # Sections: .tdata -> .data, .tbss -> .bss (names overwritten in place,
    # the string shortened by its 't').
    for i, s in enumerate(secs):
        if not s[FLAGS] & SHF_TLS:
            continue
        name = sec_name(s)
        if name not in (".tdata", ".tbss"):
            die("TLS section %s not handled" % name)
        o = shstr_off + s[NAME]
        data[o:o + len(name) + 1] = (name[0] + name[2:]).encode() + b"\0\0"
        s[FLAGS] &= ~SHF_TLS
        struct.pack_into("<IIQQQQIIQQ", data, shoff + i * shentsize, *s)
    open(sys.argv[3], "wb").write(data)


main()
