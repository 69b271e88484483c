"""Shared by the runtime overlays (see README): read a file of GOROOT,
replace text that must occur an exact number of times, write it under
OUTDIR."""
import os
import re
import sys


def die(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr)
    sys.exit(1)


def args():
    if len(sys.argv) != 3:
        die("usage: NAME.py GOROOT OUTDIR")
    return sys.argv[1], sys.argv[2]


def read(goroot, rel):
    with open(os.path.join(goroot, rel), encoding="utf-8") as f:
        return f.read()


def write(outdir, rel, text):
    path = os.path.join(outdir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def sub_once(text, pattern, repl, what, flags=re.M):
    """Replaces the one match of the regex pattern; dies unless there is
    exactly one."""
    n = len(re.findall(pattern, text, flags))
    if n != 1:
        die(f"{what}: expected exactly one match of {pattern!r}, found {n}")
    return re.sub(pattern, repl, text, count=1, flags=flags)
