#!/usr/bin/env bash
# The report's vocabularies are written once (shim/reportlib/vocab.h): the
# enums of docs/report-schema.json (kind, trigger, points_to.region,
# slot.kind, access.op) must list exactly those words, in the same order, and the
# field table of docs/report-schema.md must name each of them. A schema with
# one word missing must be refused (the comparison has teeth). Likewise the
# counters (shim/reportlib/counts_record.h): docs/counts-schema.json requires
# exactly them, and docs/report-schema.md's counts table lists them.
set -uo pipefail
. "$(dirname "$0")/report_lib.sh"
[ -x "$REPORT_SAMPLE" ] || fail "not built: $REPORT_SAMPLE"
work=$UNDEAD_WORK/report_vocab
rm -rf "$work"; mkdir -p "$work"
"$REPORT_SAMPLE" vocab >"$work/vocab.tsv" || fail "report_sample vocab"

# compare SCHEMA.json SCHEMA.md: prints the first disagreement, fails on one
# (the counts schema is always $COUNTS_SCHEMA)
compare() {
  "$SCHEMA_PY" - "$1" "$2" "$work/vocab.tsv" "$COUNTS_SCHEMA" <<'PY'
import json, sys
schema_path, md_path, tsv, counts_path = sys.argv[1:]
vocab = {}
for l in open(tsv):
    table, name = l.rstrip("\n").split("\t")
    vocab.setdefault(table, []).append(name)
counters = vocab.pop("counter")
counts = json.load(open(counts_path))
base = ["schema", "pid", "binary", "go_version"]
if counts["required"] != base + counters or list(counts["properties"]) != base + counters:
    sys.exit(f"counts-schema.json: {counts['required']} != {base + counters} (counts_record.h)")
md_all = open(md_path, encoding="utf-8").read()
table_rows = [l.split("|")[1].strip().strip("`") for l in md_all.split("## The counts record", 1)[1].split("\n## ", 1)[0].splitlines() if l.startswith("| `")]
if table_rows != counters:
    sys.exit(f"{md_path}: the counts table lists {table_rows}, counts_record.h {counters}")
print(f"counters: {', '.join(counters)}")
schema = json.load(open(schema_path))
props = schema["properties"]
where = {
    "kind": (props["kind"], "kind"),
    "trigger": (props["trigger"], "trigger"),
    "region": (props["points_to"]["properties"]["region"], "points_to.region"),
    "slot-kind": (props["slot"]["properties"]["kind"], "slot.kind"),
    "access": (props["access"]["properties"]["op"], "access.op"),
}
assert set(where) == set(vocab), f"tables {sorted(vocab)} vs fields {sorted(where)}"
md = open(md_path, encoding="utf-8").read().splitlines()
for table, (node, field) in where.items():
    got = node.get("enum")
    if got != vocab[table]:
        sys.exit(f"{schema_path}: {field} enum {got} != vocab.h {vocab[table]}")
    row = [l for l in md if l.startswith(f"| `{field}` |")]
    if len(row) != 1:
        sys.exit(f"{md_path}: no single row for `{field}`")
    missing = [w for w in vocab[table] if f"`{w}`" not in row[0]]
    if missing:
        sys.exit(f"{md_path}: the `{field}` row does not name {missing}")
    print(f"{field}: {', '.join(vocab[table])}")
PY
}

compare "$REPORT_SCHEMA" "$UNDEAD_ROOT/docs/report-schema.md" || fail "the schema differs from vocab.h"
"$SCHEMA_PY" - "$REPORT_SCHEMA" "$work/bad.json" <<'PY' || fail "cannot make a bad schema"
import json, sys
s = json.load(open(sys.argv[1]))
s["properties"]["points_to"]["properties"]["region"]["enum"].remove("outside-stack")
json.dump(s, open(sys.argv[2], "w"))
PY
if compare "$work/bad.json" "$UNDEAD_ROOT/docs/report-schema.md" >"$work/bad.out" 2>&1; then
  fail "a schema without outside-stack passed"
fi
grep -q 'bad\.json: points_to\.region enum ' "$work/bad.out" ||
  fail "the schema without outside-stack was refused for another reason: $(tail -1 "$work/bad.out")"
echo "ok: a schema missing a word is refused"
echo PASS
