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

# Queues and shared service (svc.h): the shipped scenarios, cut to 20
# minutes, and the three hand-built logs of tests/events/ with queues. The counters
# "queue" and "in service" are checked by trace_check against the slices
# and the queue instants; the runs are unchanged by the observers.
for S in scenarios/queue_deadline.json scenarios/contention.json tests/events/queue.json \
  tests/events/shared.json tests/events/fallback.json; do
  s=$(basename "$S" .json)
  set -- --set duration_s=1200
  case $S in tests/*) set -- ;; esac
  "$ES" --format csv "$@" "$S" >"$T/plain.csv"
  "$ES" --format csv "$@" --trace "$T/$s.json" --trace-limit 10000000 "$S" >"$T/traced.csv" 2>"$T/err"
  check "$s: --trace exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
  check "$s: --trace leaves the results unchanged" "cmp -s $T/plain.csv $T/traced.csv"
  served=$("$ES" --format csv --no-header --metrics requests.edge_served "$@" "$S" | cut -d, -f4)
  check "$s: trace_check" "$TC $T/$s.json $served >$T/tc 2>&1 || { cat $T/tc; false; }"
  check "$s: has queue and in-service counters" \
    "grep -q '\"name\":\"queue\"' $T/$s.json && grep -q '\"name\":\"in service\"' $T/$s.json"
  "$ES" --format csv "$@" --events "$S" >"$T/ev" 2>"$T/err"
  check "$s: --events exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
  check "$s: results after the log's blank line" "sed '1,/^\$/d' $T/ev | cmp -s - $T/plain.csv"
  gen=$("$ES" --format csv --no-header --metrics requests.generated "$@" "$S" | cut -d, -f4)
  check "$s: one arrive line per request" "[ \$(grep -c '^t=[0-9.]* arrive ' $T/ev) -eq $gen ]"
  queued=$("$ES" --format csv --no-header --metrics requests.queued "$@" "$S" | cut -d, -f4)
  check "$s: a start or timeout line per queued request" \
    "[ \$(grep -c -e '^t=[0-9.]* start ' -e '^t=[0-9.]* timeout ' $T/ev) -eq $queued ]"
  check "$s: log lines in time order" "sed -n 's/^t=\([0-9.]*\) .*/\1/p' $T/ev | sort -s -n -c"
  "$ES" --format csv "$@" --events --trace "$T/again.json" --trace-limit 10000000 "$S" >"$T/ev2"
  check "$s: deterministic (log and trace)" "cmp -s $T/ev $T/ev2 && cmp -s $T/$s.json $T/again.json"
done
set --
# The hand-built cases, by hand: queue.json's #2 waited 1.5 - 0.2 s, #3 and
# #6 timed out after 2 s to the cloud, #4 found the queue full; shared.json's
# #3 waited 1.3667 - 0.8 s and its first token came 0.2 s after its start.
q=$T/queue.json sh=$T/shared.json
check "queue: #2's slice waited 1.3 s" "grep -q '\"name\":\"#2\".*\"arrived_s\":0.2,\"wait_s\":1.3}' $q"
check "queue: time-outs #3 and #6, to the cloud" \
  "[ \$(grep -c 'reject #[36] (deadline).*\"wait_s\":2,\"to\":\"cloud\"' $q) -eq 2 ]"
check "queue: #4 found the queue full" "grep -q 'reject #4 (queue full).*\"P\":1,' $q"
check "queue: six joins, three cloud slices" \
  "[ \$(grep -c '\"name\":\"queue #' $q) -eq 6 ] && [ \$(grep -c '\"cat\":\"cloud\"' $q) -eq 3 ]"
check "shared: #3's wait and first token" \
  "grep -q '\"name\":\"#3\".*\"wait_s\":0.566666667,\"first_token_s\":1.56666667,\"ttft_s\":0.766666667' $sh"
check "shared: #7 timed out, dropped" "grep -q 'reject #7 (deadline).*\"to\":\"dropped\"' $sh"

# Routing (route.h): a request the strategy sends straight to the cloud ends
# its arrive line like any other outcome (one line per request, one routing
# line per routing.to_cloud), for each strategy, with the trace checked too.
S=scenarios/examples/frontier_bursty.json
for r in 'routing={"strategy":"threshold","theta":0.5}' \
  'routing={"strategy":"cascade","verifier":{"tpr":0.9,"fpr":0.1}}' 'routing={"strategy":"edge_first"}'; do
  set -- --set "$r" --set duration_s=1200
  "$ES" --format csv "$@" "$S" >"$T/plain.csv"
  "$ES" --format csv "$@" --events "$S" >"$T/ev" 2>"$T/err"
  check "$r: --events exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
  check "$r: results after the log's blank line" "sed '1,/^\$/d' $T/ev | cmp -s - $T/plain.csv"
  gen=$("$ES" --format csv --no-header --metrics requests.generated "$@" "$S" | cut -d, -f4)
  check "$r: one arrive line per request" "[ \$(grep -c '^t=[0-9.]* arrive ' $T/ev) -eq $gen ]"
  check "$r: no line holds two arrivals" "! grep -q 'arrive .* arrive ' $T/ev"
  sent=$("$ES" --format csv --no-header --metrics routing.to_cloud "$@" "$S" | cut -d, -f4)
  check "$r: one routing line per request sent to the cloud ($sent)" \
    "[ \$(grep -c '> routing [a-z_]*, difficulty [0-9.e-]*: to the cloud' $T/ev) -eq $sent ]"
  "$ES" --format csv "$@" --trace "$T/r.json" "$S" >/dev/null 2>"$T/err"
  served=$("$ES" --format csv --no-header --metrics requests.edge_served "$@" "$S" | cut -d, -f4)
  check "$r: trace_check" "$TC $T/r.json $served >$T/tc 2>&1 || { cat $T/tc; false; }"
  case $r in *threshold*) check "threshold sends some straight to the cloud" "[ $sent -gt 0 ]" ;; esac
done

S=scenarios/examples/model_switch.json
"$ES" --events --set duration_s=1200 "$S" >"$T/ev" 2>"$T/err"
check "model_switch: --events exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
check "model_switch: no line holds two arrivals" "! grep -q 'arrive .* arrive ' $T/ev"
up=$("$ES" --format csv --no-header --metrics routing.sent_up --set duration_s=1200 "$S" | cut -d, -f4)
check "model_switch: one line per request sent up ($up)" \
  "[ $up -gt 0 ] && [ \$(grep -c 'rejected (resident LM not good enough)' $T/ev) -eq $up ]"
# Swaps: one log line and one trace slice each (routing.swaps counts those
# decided in the statistics window: from t = 0 here), loading after the
# decision, and no request on the device while it loads (trace_check).
sw=$("$ES" --format csv --no-header --metrics routing.swaps --set duration_s=1200 "$S" | cut -d, -f4)
check "model_switch: one swap line per swap ($sw)" \
  "[ $sw -gt 0 ] && [ \$(grep -c '^t=[0-9.]* swap ' $T/ev) -eq $sw ]"
check "model_switch: each load starts at or after its decision" \
  "sed -n 's/^t=\([0-9.]*\) swap .*loading t=\([0-9.]*\)\.\.\([0-9.]*\) .*/\1 \2 \3/p' $T/ev |
   awk '\$2 < \$1 || \$3 <= \$2 { bad = 1 } END { exit bad }'"
"$ES" --format csv --set duration_s=1200 --trace "$T/sw.json" "$S" >/dev/null 2>"$T/err"
served=$("$ES" --format csv --no-header --metrics requests.edge_served --set duration_s=1200 "$S" | cut -d, -f4)
check "model_switch: trace_check (no request while loading)" \
  "$TC $T/sw.json $served >$T/tc 2>&1 || { cat $T/tc; false; }"
check "model_switch: one load slice per swap" "[ \$(grep -c '\"ph\":\"X\",\"name\":\"load ' $T/sw.json) -eq $sw ]"
# The time series: the swaps column sums to routing.swaps, each row's
# resident_* columns to the devices (4), and swapping never exceeds them.
"$ES" --format csv --set duration_s=1200 --timeseries "$T/sw.tsv" "$S" >/dev/null 2>"$T/err"
check "model_switch: --timeseries exits 0, quiet" "[ $? -eq 0 ] && [ ! -s $T/err ]"
check "model_switch: time series columns" \
  "head -1 $T/sw.tsv | grep -q 'swaps	swapping	resident_qwen2.5-3b	resident_qwen2.5-7b\$'"
check "model_switch: swaps per interval sum to routing.swaps, residents to the devices" \
  "awk -F'	' -v sw=$sw 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"swaps\") c = i; next }
     { s += \$c; if (\$(c + 2) + \$(c + 3) != 4 || \$(c + 1) > 4) bad = 1 }
     END { exit bad || s != sw || NR < 2 }' $T/sw.tsv"

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
# ... and its queue and in-service checks (a device with P=2, Q=2).
MQ='{"ph":"M","name":"process_labels","pid":1,"tid":0,"ts":0,"args":{"labels":"C=100 W=10 P=2 Q=2"}}'
qc() { printf '{"ph":"C","name":"queue","pid":1,"tid":0,"ts":%s,"args":{"waiting":%s}}' "$@"; }
sc() { printf '{"ph":"C","name":"in service","pid":1,"tid":0,"ts":%s,"args":{"requests":%s}}' "$@"; }
qi() { printf '{"ph":"i","name":"queue #%s","pid":1,"tid":0,"ts":%s,"s":"p","args":{}}' "$@"; }
w() { printf '{"ph":"X","name":"#%s","cat":"edge","pid":1,"tid":0,"ts":%s,"dur":%s,"args":{"wait_s":%s}}' "$@"; }
printf '{"traceEvents":[%s,%s,%s,%s,%s,%s,%s,%s,%s]}' "$MQ" "$(w 1 0 10 0)" "$(sc 0 1)" "$(qi 2 5)" \
  "$(qc 5 1)" "$(w 2 10 10 5)" "$(sc 10 0)" "$(sc 10 1)" "$(qc 10 0)" >"$T/q_ok.json"
printf '{"traceEvents":[%s,%s,%s,%s]}' "$MQ" "$(w 1 0 10 0)" "$(sc 0 1)" "$(qc 5 1)" >"$T/q_nojoin.json"
printf '{"traceEvents":[%s,%s,%s]}' "$MQ" "$(w 1 0 10 0)" "$(sc 5 2)" >"$T/q_service.json"
printf '{"traceEvents":[%s,%s]}' "$MQ" "$(qc 5 3)" >"$T/q_over.json"
check "trace_check: queue and in-service counters that agree" "$TC $T/q_ok.json 2 >/dev/null"
for f in q_nojoin q_service q_over; do
  check "trace_check catches $f" "! $TC $T/$f.json >/dev/null"
done
for f in overlap slots over_c; do
  check "trace_check catches $f" "! $TC $T/$f.json >/dev/null"
done
check "trace_check: end = next start is no overlap" "$TC $T/adjacent.json 2 >/dev/null"
check "trace_check: wrong slice count" "! $TC $T/adjacent.json 3 >/dev/null"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
