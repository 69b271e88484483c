"""host.py MODE LIB.so...: a Python host (ctypes) for Go libraries built
from tests/go/golib with -buildmode=c-shared. For each library in turn:
  walk     GoWalk(cb, 4): the callback (Python) calls GoGrow
  nested   GoWalk(cb, 2) whose callback calls GoWalk(cb2, 2), whose
           callback calls GoGrow: two gates open on one goroutine
  threads  4 Python threads call GoWalk(cb, 3) at once
Prints what each library returned (threads: how many threads finished);
the output is the same with and without undead."""
import ctypes
import sys
import threading

CB = ctypes.CFUNCTYPE(None, ctypes.c_int64)
keep = []


def load(path):
    lib = ctypes.CDLL(path)
    lib.GoGrow.argtypes = [ctypes.c_int64]
    lib.GoGrow.restype = ctypes.c_int64
    lib.GoWalk.argtypes = [CB, ctypes.c_int64]
    lib.GoWalk.restype = ctypes.c_int64
    return lib


def walk(lib, n):
    cb = CB(lambda item: lib.GoGrow(64))
    keep.append(cb)
    return lib.GoWalk(cb, n)


def nested(lib):
    inner = CB(lambda item: lib.GoGrow(64))
    outer = CB(lambda item: lib.GoWalk(inner, 2))
    keep.extend([inner, outer])
    return lib.GoWalk(outer, 2)


def threads(lib):
    out = []
    ts = [threading.Thread(target=lambda: out.append(walk(lib, 3))) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return len(out)


mode, paths = sys.argv[1], sys.argv[2:]
for p in paths:
    lib = load(p)
    r = {"walk": lambda: walk(lib, 4), "nested": lambda: nested(lib), "threads": lambda: threads(lib)}[mode]()
    print("%s: %d" % (mode, r), flush=True)
