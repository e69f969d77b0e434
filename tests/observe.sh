#!/bin/sh
# observe.sh EDGESIM TRACE_CHECK SRCDIR: --trace and --events end to end.
# Every trace is checked by trace_check (strict JSON; per device, slices
# never overlap on a track nor exceed P at any time, the window counter
# never exceeds C; as many edge slices as requests.edge_served). Observers
# never change the results; the limit cuts with a note in the file and one
# line on stderr; a trace appears whole or not at all.
set -u
ES=$1 TC=$2
cd "$3" || exit 1
export EDGESIM_MODELS=models
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

for s in steady_random steady_weighted bursty_random bursty_loadaware; do
  S=scenarios/$s.json
  "$ES" --format csv "$S" >"$T/plain.csv"
  cp "$T/plain.csv" "$T/$s.csv"
  "$ES" --format csv --trace "$T/$s.json" "$S" >"$T/traced.csv" 2>"$T/err"
  check "$s: --trace exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
  check "$s: --trace leaves the results unchanged" "cmp -s $T/plain.csv $T/traced.csv"
  served=$("$ES" --format csv --no-header --metrics requests.edge_served "$S" | cut -d, -f4)
  check "$s: trace_check" "$TC $T/$s.json $served >$T/tc 2>&1 || { cat $T/tc; false; }"
  check "$s: otherData says not truncated" "grep -q '\"truncated\":false' $T/$s.json"
  "$ES" --format csv --events "$S" >"$T/ev" 2>"$T/err"
  check "$s: --events exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
  check "$s: results after the log's blank line" "sed '1,/^\$/d' $T/ev | cmp -s - $T/plain.csv"
  arrivals=$(grep -c '^t=[0-9.]* arrive ' "$T/ev")
  gen=$("$ES" --format csv --no-header --metrics requests.generated "$S" | cut -d, -f4)
  check "$s: one arrive line per request" "[ $arrivals -eq $gen ]"
  check "$s: log lines in time order" \
    "sed -n 's/^t=\([0-9.]*\) .*/\1/p' $T/ev | sort -s -n -c"
done

# Both at once, on a cloud-less run with rejections the dispatcher cannot place.
S=tests/events/load_aware.json
"$ES" --events --trace "$T/both.json" "$S" >"$T/ev" 2>"$T/err"
check "--events and --trace together" "[ $? -eq 0 ] && [ ! -s $T/err ]"
check "both: the log is the pinned one" "sed '/^\$/,\$d' $T/ev | cmp -s - tests/events/load_aware.expected"
check "both: trace_check" "$TC $T/both.json 5 >$T/tc 2>&1 || { cat $T/tc; false; }"
check "both: the dispatcher's rejections" "[ \$(grep -c 'reject #[36] (no device)' $T/both.json) -eq 2 ]"

# The limit: at most N events, a note in the file, one line on stderr.
S=scenarios/bursty_random.json
"$ES" --format csv --trace "$T/cut.json" --trace-limit 50 "$S" >"$T/cut.csv" 2>"$T/err"
check "cut: exit 0, results unchanged" \
  "[ $? -eq 0 ] && cmp -s $T/cut.csv $T/bursty_random.csv"
check "cut: one line on stderr" \
  "[ \$(wc -l <$T/err) -eq 1 ] && grep -q 'holds the first 50 events' $T/err"
check "cut: trace_check" "$TC $T/cut.json >$T/tc 2>&1 || { cat $T/tc; false; }"
check "cut: the note and otherData" \
  "grep -q 'trace cut: --trace-limit 50' $T/cut.json && grep -q '\"truncated\":true' $T/cut.json && grep -q '\"events\":50,' $T/cut.json"
check "cut: 50 events and the note" "[ \$(grep -c '^,\\{0,1\\}{\"ph\"' $T/cut.json) -eq 51 ]"

# Atomic: nothing is created by --validate, by a failed option check, or
# left behind as a temporary file; an existing file survives a failure.
"$ES" --validate --trace "$T/v.json" "$S" 2>/dev/null
check "--validate creates no trace" "[ ! -e $T/v.json ]"
echo keep >"$T/keep.json"
"$ES" --trace "$T/keep.json" --set duration_s=-1 "$S" >/dev/null 2>&1
check "a failed run keeps the old trace" "[ \"\$(cat $T/keep.json)\" = keep ]"
check "no temporary files left" "[ \$(ls -A $T | grep -c '^\.') -eq 0 ]"

"$ES" --help >"$T/help"
check "--help lists --events, --trace, --trace-limit" \
  "grep -q -- '--events ' $T/help && grep -q -- '--trace FILE' $T/help && grep -q -- '--trace-limit N' $T/help"

# The checker itself fails on what it must catch.
M='{"ph":"M","name":"process_labels","pid":1,"tid":0,"ts":0,"args":{"labels":"C=100 W=10 P=2"}}'
x() { printf '{"ph":"X","name":"#%s","cat":"edge","pid":1,"tid":%s,"ts":%s,"dur":%s,"args":{}}' "$@"; }
printf '{"traceEvents":[%s,%s,%s]}' "$M" "$(x 1 0 0 10)" "$(x 2 0 5 10)" >"$T/overlap.json"
printf '{"traceEvents":[%s,%s,%s,%s]}' "$M" "$(x 1 0 0 10)" "$(x 2 1 0 10)" "$(x 3 2 5 1)" >"$T/slots.json"
printf '{"traceEvents":[%s,{"ph":"C","name":"window tokens","pid":1,"tid":0,"ts":1,"args":{"used":101}}]}' \
  "$M" >"$T/over_c.json"
printf '{"traceEvents":[%s,%s,%s]}' "$M" "$(x 1 0 0 10)" "$(x 2 0 10 10)" >"$T/adjacent.json"
for f in overlap slots over_c; do
  check "trace_check catches $f" "! $TC $T/$f.json >/dev/null"
done
check "trace_check: end = next start is no overlap" "$TC $T/adjacent.json 2 >/dev/null"
check "trace_check: wrong slice count" "! $TC $T/adjacent.json 3 >/dev/null"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
