#!/bin/sh
# Every JSON output is valid JSON (checked by jsonvalid: strict RFC 8259,
# valid UTF-8, then cJSON), whatever the names: a scenario named after a
# file name holding bytes that are not UTF-8 and a backslash, a device name
# with a backslash and a non-ASCII letter, compare labels with a newline.
# usage: json_output.sh EDGESIM JSONVALID ROOT
set -u
ES=$1 JV=$2 ROOT=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
check() { # NAME FILE: FILE must be valid JSON
  if ! "$JV" "$2"; then
    echo "FAIL: $1"
    failed=$((failed + 1))
  fi
}
S="$T/$(printf 'bad\377\376name\\x\303.json')" # \303 cut: not UTF-8 either
sed -e '/^  "name"/d' -e 's/"name": "agx"/"name": "a\\\\gx\\u00e9"/' \
  "$ROOT/scenarios/steady_random.json" >"$S"
grep -q '"name": "a' "$S" || { echo "FAIL: fixture"; exit 1; }
M="--models $ROOT/models"
$ES $M --format json "$S" >"$T/run.json"
check "single run" "$T/run.json"
grep -q 'bad\\ufffd\\ufffdname\\\\x\\ufffd"' "$T/run.json" || { echo "FAIL: file name escaped"; failed=$((failed + 1)); }
grep -q '"a\\\\gxé' "$T/run.json" || { echo "FAIL: device name escaped"; failed=$((failed + 1)); }
$ES $M --format json --replications 3 --jobs 2 "$S" >"$T/repl.json"
check "replications" "$T/repl.json"
$ES compare $M --format json --replications 2 "$S" --set-a 'duration_s=
600' --set-b 'devices.1.name="back\\\\slash"' >"$T/cmp.json"
check "compare" "$T/cmp.json"
grep -q '"duration_s=\\n600"' "$T/cmp.json" || { echo "FAIL: newline in --set-a"; failed=$((failed + 1)); }
for f in "$ROOT"/scenarios/*.json; do
  grep -q '"platforms"' "$f" && continue # edgesim metrics input
  $ES --format json "$f" >"$T/s.json" 2>/dev/null || continue
  check "$f" "$T/s.json"
done
echo "$failed failed"
[ "$failed" -eq 0 ]
