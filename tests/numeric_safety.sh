#!/bin/sh
# numeric_safety.sh EDGESIM SRCDIR: no NaN or infinity in any printed metric,
# in the corner cases where a ratio has nothing to divide by. Each case runs
# with --format csv (every metric column must be a finite number), --format
# json and text (no nan, inf or null anywhere) and --timeseries (likewise).
set -u
edgesim=$1
cd "$2" || exit 1
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
S=scenarios/bursty_loadaware.json
POISSON='workload={"kind":"poisson","rate_per_s":0.000001,"tokens":100}'

run_case() { # run_case NAME --set ... : one corner case
  name=$1; shift
  ok=1
  "$edgesim" --format csv "$@" $S > "$T/csv" 2> "$T/err" || { ok=0; cat "$T/err"; }
  # columns 4.. are metrics: each must look like a finite number
  bad=$(awk -F, 'NR == 2 { for (i = 4; i <= NF; i++)
          if ($i !~ /^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$/) print $i }' "$T/csv")
  [ -z "$bad" ] || { echo "  csv: not finite: $bad"; ok=0; }
  [ "$(awk -F, 'NR == 2 { print NF }' "$T/csv")" -gt 3 ] || { echo "  csv: no data row"; ok=0; }
  "$edgesim" --format json --timeseries "$T/ts" "$@" $S > "$T/json" 2> "$T/err" || ok=0
  "$edgesim" "$@" $S > "$T/text" 2> "$T/err" || ok=0
  for f in json ts text; do
    if grep -Ewiq 'nan|inf|infinity|null' "$T/$f"; then
      echo "  $f: $(grep -Ewio 'nan|inf|infinity|null' "$T/$f" | head -1)"
      ok=0
    fi
  done
  if [ $ok -eq 1 ]; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}

run_case "no requests (p_active 0, no bursts)" --set workload.p_active=0 --set workload.burst.p_active=0
run_case "no requests, cloud disabled" --set workload.p_active=0 --set workload.burst.p_active=0 \
  --set cloud.enabled=false
run_case "poisson with no arrival at all" --set "$POISSON"
run_case "devices that never admit (C below every request)" --set devices.0.token_capacity=1 \
  --set devices.1.token_capacity=1 --set devices.2.token_capacity=1
run_case "nothing redirected, everything dropped" --set cloud.enabled=false \
  --set devices.0.token_capacity=1 --set devices.1.token_capacity=1 --set devices.2.token_capacity=1
run_case "statistics window of one second (--warmup)" --warmup 3599
run_case "window equal to the horizon" --set limiter.window_s=3600
run_case "zero power, zero prices" --set devices.0.power_active_w=0 --set devices.0.power_idle_w=0 \
  --set cloud.price_in_usd_per_mtok=0 --set cloud.price_out_usd_per_mtok=0 \
  --set energy.price_usd_per_kwh=0
run_case "one step shorter than a step_s (duration 1 s)" --set duration_s=1 --set workload.step_s=1 \
  --set limiter.window_s=1 --set workload.burst.every_s=1 --set workload.burst.length_s=1
run_case "extreme sizes (tokens 1e9, C 2^32 - 2, tgs 1e-3)" --set workload.tokens=1000000000 \
  --set devices.0.token_capacity=4294967294 --set devices.0.tgs=0.001 --set cloud.tgs=0.001
run_case "zero latency parts (ttft 0, rtt 0)" --set devices.0.ttft_s=0 --set cloud.ttft_s=0 \
  --set cloud.rtt_s=0 --set cloud.tgs=1000000000

[ $fails -eq 0 ] && echo "all numeric checks passed"
[ $fails -eq 0 ]
