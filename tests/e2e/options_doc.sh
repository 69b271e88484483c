#!/usr/bin/env bash
# The options are written once (shim/start/options.inc): the README's "Options"
# table and the shim's help=1 must say exactly what that table says, row for
# row (name, value, default, meaning), and `undead run --format` must take
# the same format names. A README with one default changed must be refused
# (the comparison has teeth).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
table_exe=$UNDEAD_BUILD/tests/unit/test_options
[ -x "$table_exe" ] || fail "not built: $table_exe"
[ -f "$UNDEAD_SO" ] || fail "shim not built: $UNDEAD_SO"
work=$UNDEAD_WORK/options_doc
rm -rf "$work"; mkdir -p "$work"
"$table_exe" --table >"$work/table.tsv" || fail "test_options --table"
[ "$(wc -l <"$work/table.tsv")" -ge 8 ] || fail "short table: $(cat "$work/table.tsv")"

# compare WHAT FILE: FILE is the README (WHAT=readme) or help=1's output
# (WHAT=help); prints the first difference and fails when there is one.
compare() {
  /usr/bin/python3 - "$1" "$2" "$work/table.tsv" <<'PY'
import re, sys
what, path, tsv = sys.argv[1:]
table = [l.rstrip("\n").split("\t") for l in open(tsv) if l.strip()]
text = open(path, encoding="utf-8").read()
rows = []
if what == "readme":
    sec = text.split("\n## Options\n", 1)[1].split("\n## ", 1)[0]
    for l in sec.splitlines():
        if not l.startswith("| `"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", l)[1:-1]]
        opt = cells[0].strip("`")
        if opt == "UNDEAD=0":
            continue
        name, arg = opt.split("=", 1)
        rows.append([name, arg, cells[1], cells[2]])
else:
    table = [[n, a, d, h.replace("`", "")] for n, a, d, h in table]
    cur = None
    for l in text.splitlines()[1:]:
        m = re.match(r"^  (\w+)=(\S+) \(default (.*)\)$", l)
        if m:
            cur = [m.group(1), m.group(2), m.group(3), ""]
            rows.append(cur)
        elif l.startswith("      ") and cur is not None:
            cur[3] = (cur[3] + " " + l.strip()).strip()
        else:
            sys.exit(f"{path}: unexpected line {l!r}")
for i in range(max(len(rows), len(table))):
    want = table[i] if i < len(table) else None
    got = rows[i] if i < len(rows) else None
    if want != got:
        sys.exit(f"{what} row {i + 1}: {got} != options.inc {want}")
print(f"{what}: {len(rows)} rows agree with options.inc")
PY
}

compare readme "$UNDEAD_ROOT/README.md" || fail "the README's Options table differs from shim/start/options.inc"
sed 's/^| `exitcode=N` | 66 |/| `exitcode=N` | 67 |/' "$UNDEAD_ROOT/README.md" >"$work/README.bad"
cmp -s "$UNDEAD_ROOT/README.md" "$work/README.bad" && fail "could not make a bad README (exitcode row moved?)"
if compare readme "$work/README.bad" >/dev/null 2>&1; then fail "a README with a wrong default passed"; fi
echo "ok: a README with a wrong default is refused"

# help=1 from the shim in a real Go program
bin=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/cgosmall") || fail "build cgosmall"
UNDEAD_OPTIONS=help=1 LD_PRELOAD="$UNDEAD_SO" timeout 60 "$bin" >"$work/help.out" 2>"$work/help.err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$work/help.out" ] || fail "help=1: exit $rc, stdout $(head -c 200 "$work/help.out")"
compare help "$work/help.err" || fail "help=1 differs from shim/start/options.inc"

# undead run --format: the format row's values
formats=$(awk -F'\t' '$1 == "format" {print $2}' "$work/table.tsv")
"$UNDEAD" run --help | grep -qF -- "--format $formats]" || fail "undead run --help does not offer --format $formats"
for f in ${formats//|/ }; do
  "$UNDEAD" run --format "$f" -- true || fail "undead run --format $f refused"
done
"$UNDEAD" run --format bogus -- true 2>/dev/null && fail "undead run --format bogus accepted"
echo "ok: undead run --format takes $formats"
echo PASS
