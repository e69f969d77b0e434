#!/bin/sh
# End-to-end checks of the edgesim command line: exit statuses, stdout vs
# stderr, determinism of whole outputs, --set, --timeseries. Usage: cli.sh EDGESIM ROOT
set -u
ES=$1
ROOT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

S=$ROOT/scenarios/bursty_loadaware.json
"$ES" --format json "$S" >"$T/a.json" 2>"$T/a.err"
check "run exits 0" "[ $? -eq 0 ]"
check "nothing on stderr" "[ ! -s $T/a.err ]"
"$ES" --format json "$S" >"$T/b.json"
check "same seed, same bytes" "cmp -s $T/a.json $T/b.json"
"$ES" --format json --seed 2 "$S" >"$T/c.json"
check "--seed changes the run" "! cmp -s $T/a.json $T/c.json"
"$ES" --format json --set seed=2 "$S" >"$T/d.json"
check "--set seed=2 equals --seed 2" "cmp -s $T/c.json $T/d.json"
"$ES" --format csv "$S" >"$T/h.csv"
"$ES" --format csv --no-header "$S" >"$T/n.csv"
check "csv: header + one row" "[ \$(wc -l <$T/h.csv) -eq 2 ]"
check "--no-header: the row only" "[ \"\$(tail -n 1 $T/h.csv)\" = \"\$(cat $T/n.csv)\" ]"
"$ES" --timeseries "$T/ts.tsv" "$S" >/dev/null
check "timeseries: header + 60 steps" "[ \$(wc -l <$T/ts.tsv) -eq 61 ]"
check "timeseries: no temp files left" "[ \$(ls -A $T | grep -c '^\.') -eq 0 ]"
"$ES" --validate "$S" >"$T/v.out" 2>"$T/v.err"
check "--validate exits 0, prints no data" "[ $? -eq 0 ] && [ ! -s $T/v.out ]"
"$ES" --help >"$T/help" 2>&1
check "--help exits 0 and lists options, exit codes, keys" \
  "grep -q -- '--timeseries' $T/help && grep -q 'exit status' $T/help && grep -q 'devices\[\].token_capacity' $T/help"
"$ES" --version | grep -q '^edgesim [0-9]'
check "--version" "[ $? -eq 0 ]"
"$ES" --format xml "$S" >"$T/o" 2>"$T/e"
check "bad --format: exit 2, one line, no stdout" \
  "[ $? -eq 2 ] && [ \$(wc -l <$T/e) -eq 1 ] && [ ! -s $T/o ]"
"$ES" --set limiter.window_s=-5 "$S" >"$T/o" 2>"$T/e"
check "bad --set value: exit 2 names the key" "[ $? -eq 2 ] && grep -q 'limiter.window_s: must be' $T/e"
"$ES" "$ROOT/scenarios/nonexistent.json" 2>"$T/e"
check "missing file: exit 2" "[ $? -eq 2 ] && grep -q 'cannot open' $T/e"
"$ES" 2>"$T/e"
check "no scenario: exit 2" "[ $? -eq 2 ]"
"$ES" --timeseries /nonexistent-dir/x.tsv "$S" >"$T/o" 2>"$T/e"
check "unwritable timeseries: exit 2, no stdout" "[ $? -eq 2 ] && [ ! -s $T/o ]"

"$ES" metrics "$ROOT/scenarios/table1.json" >"$T/m" 2>"$T/e"
check "metrics: Table I, exit 0" "[ $? -eq 0 ] && grep -q '144.59' $T/m && grep -q '0.8400' $T/m"
"$ES" metrics "$S" >"$T/o" 2>"$T/e"
check "metrics on a simulation scenario: exit 2, one line" "[ $? -eq 2 ] && [ \$(wc -l <$T/e) -eq 1 ] && [ ! -s $T/o ]"

cat >"$T/negzero.json" <<'J'
{"alpha": -0, "electricity_usd_per_kwh": 0.25, "platforms": [{"name": "e", "kind": "edge",
 "q": -0, "r": -0.0, "energy_wh": 1, "paper": {"cpr_cents": 1, "u": -0.0001, "pcr": -0}}]}
J
"$ES" metrics "$T/negzero.json" >"$T/m" 2>"$T/e"
check "metrics: never a negative zero" "[ $? -eq 0 ] && ! grep -qE -- '-0([^.0-9]|\\.0*([^0-9]|\$)|\$)' $T/m && grep -q '^alpha 0,' $T/m"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
