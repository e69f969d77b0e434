#!/bin/sh
# property.sh EDGESIM SRCDIR [N]: N random valid scenarios (default 40), each
# drawn from a seeded generator over the kinds a user can name (workloads,
# limiters per scenario and per device, dispatch policies and attempts,
# cloud on or off), and for each run:
#   - exit status 0;
#   - the JSON output parses (jq) and holds no NaN or infinity;
#   - conservation: generated = edge_served + redirected + dropped, and the
#     devices' served sum to edge_served;
#   - the time series' columns sum to the totals (arrivals, edge_served,
#     redirected, dropped);
#   - --replications 3 gives byte-identical output with --jobs 1 and 2.
# Then M more (default 20) that combine difficulty and routing (edge_first,
# threshold, cascade) with queues, shared service, prefill, slo, device
# failures and the extended cloud (outages, limits, retries, budget), checked
# for exit 0, valid JSON, conservation with escalations (generated +
# escalated = edge_served + redirected + dropped), the accuracy identity
# (edge answers kept x accuracy.edge + redirected x accuracy.cloud =
# generated x accuracy.all) and --jobs 1 = 2; then the same M again with
# limiter.adapt (target_rejected) on every device. (Runs with queues drain
# past duration_s, so their time series is not checked against the totals.)
# Then L more (default 10) with model_switch: devices storing random subsets
# of the Qwen LMs (profiles), random K, min_accuracy and swap times, the
# extended cloud: the same checks, and served_lm1..4 summing to edge_served,
# sent_up <= redirected + dropped.
# Under the sanitizer build (ctest in build-asan) every run is also checked
# for memory and undefined-behaviour errors. Skipped (77) without jq.
set -u
edgesim=$1 src=$2 n=${3:-40} m=${4:-20} l=${5:-10}
command -v jq > /dev/null || { echo "jq not found"; exit 77; }
cd "$src" || exit 1
export EDGESIM_MODELS=models
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# scenario K as JSON on stdout (awk's seeded generator: the same file for the
# same K on every machine)
gen() {
  awk -v k="$1" 'BEGIN {
    srand(1000 + k)
    split("steps poisson onoff mmpp diurnal", WL, " ")
    split("sliding_window token_bucket gcra fixed_window sliding_counter", LIM, " ")
    split("random weighted load_aware round_robin power_of_d least_outstanding least_latency", POL, " ")
    wl = WL[1 + int(rand() * 5)]; pol = POL[1 + int(rand() * 7)]
    dur = 600 + int(rand() * 3000)
    tok = "{\"values\": [50, 100, 200], \"weights\": [" int(1 + rand() * 5) ", " int(1 + rand() * 5) ", 1]}"
    if (wl == "steps")
      w = "\"kind\": \"steps\", \"users\": " int(5 + rand() * 60) ", \"p_active\": " rand() ", \"step_s\": 60"
    else if (wl == "poisson")
      w = "\"kind\": \"poisson\", \"rate_per_s\": " (0.05 + rand())
    else if (wl == "onoff")
      w = "\"kind\": \"onoff\", \"rate_per_s\": " (0.1 + rand()) ", \"on_mean_s\": " (10 + rand() * 100) ", \"off_mean_s\": " (10 + rand() * 100)
    else if (wl == "mmpp")
      w = "\"kind\": \"mmpp\", \"rates\": [" rand() ", " (1 + rand()) "], \"sojourn_s\": [" (20 + rand() * 200) ", " (20 + rand() * 200) "]"
    else
      w = "\"kind\": \"diurnal\", \"period_s\": 600, \"profile\": [[0, " rand() "], [300, " (1 + rand()) "]]"
    printf "{\"duration_s\": %d, \"seed\": %d, \"workload\": {%s, \"tokens\": %s},\n", dur, k, w, tok
    nd = 1 + int(rand() * 4); printf "\"devices\": ["
    for (i = 0; i < nd; i++) {
      printf "%s{\"name\": \"d%d\", \"count\": %d, \"token_capacity\": %d, \"max_parallel\": %d, \"tgs\": %g, \"ttft_s\": %g, \"power_active_w\": 20, \"power_idle_w\": 5",
        i ? ", " : "", i, (i ? 1 : 2) + int(rand() * 5), 200 + int(rand() * 3000), 1 + int(rand() * 6), 5 + rand() * 40, rand()
      if (rand() < 0.3)
        printf ", \"limiter\": {\"kind\": \"%s\", \"window_s\": %g}", LIM[1 + int(rand() * 5)], 5 + rand() * 100
      printf "}"
    }
    printf "],\n\"limiter\": {\"kind\": \"%s\", \"window_s\": %g},\n", LIM[1 + int(rand() * 5)], 5 + rand() * 100
    printf "\"dispatch\": {\"policy\": \"%s\"%s},\n", pol, rand() < 0.3 ? ", \"attempts\": 2" : ""
    c = rand()
    if (c < 0.2)
      printf "\"cloud\": {\"enabled\": false}}\n"
    else if (c < 0.4) # an outage, a rate limit with retries
      printf "\"cloud\": {\"outages\": [[%d, %d]], \"limits\": {\"rpm\": %d}, \"retry\": {\"attempts\": 2, \"backoff_s\": 1}}}\n", 100, 300, 5 + int(rand() * 30)
    else
      printf "\"cloud\": {\"enabled\": true}}\n"
  }'
}

# scenario K of the routing mix as JSON on stdout
gen_route() {
  awk -v k="$1" 'BEGIN {
    srand(5000 + k)
    split("edge_first threshold cascade", RT, " ")
    split("random load_aware least_outstanding", POL, " ")
    rt = RT[1 + int(rand() * 3)]
    printf "{\"duration_s\": %d, \"seed\": %d, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": %g, \"prompt_tokens\": 100, \"tokens\": {\"values\": [50, 200], \"weights\": [1, 1]}},\n", 400 + int(rand() * 1200), k, 0.2 + 3 * rand()
    nd = 1 + int(rand() * 3); printf "\"devices\": ["
    for (i = 0; i < nd; i++) {
      tg = 10 + int(rand() * 40)
      printf "%s{\"name\": \"d%d\", \"count\": %d, \"token_capacity\": %d, \"max_parallel\": %d, \"tgs\": %d, \"ttft_s\": %g, \"power_active_w\": 20, \"power_idle_w\": 5, \"accuracy\": {\"d50\": %g, \"scale\": 0.1}",
        i ? ", " : "", i, 1 + int(rand() * 3), 500 + int(rand() * 3000), 1 + int(rand() * 4), tg, rand() * 0.5, 0.3 + rand() * 0.5
      if (rand() < 0.6)
        printf ", \"queue\": {\"max\": %d%s}", 1 + int(rand() * 6), rand() < 0.5 ? ", \"deadline_s\": " (1 + rand() * 10) : ""
      if (rand() < 0.4)
        printf ", \"service\": \"shared\", \"prefill_tps\": %g, \"batch_curve\": {\"batch\": [1, 4], \"tokens_per_s\": [%d, %d]}", 200 + rand() * 2000, tg, tg * (1 + int(rand() * 3))
      if (rand() < 0.4)
        printf ", \"failure\": {\"mtbf_s\": %g, \"mttr_s\": %g, \"on_fail\": \"%s\"}", 50 + rand() * 300, 5 + rand() * 30, rand() < 0.5 ? "redirect" : "drop"
      printf "}"
    }
    printf "],\n\"limiter\": {\"window_s\": %g}, \"dispatch\": {\"policy\": \"%s\"},\n", 5 + rand() * 50, POL[1 + int(rand() * 3)]
    printf "\"difficulty\": {\"beta\": [%g, %g]}, ", 1 + rand() * 3, 1 + rand() * 3
    if (rt == "threshold")
      printf "\"routing\": {\"strategy\": \"threshold\", \"theta\": %g, \"router_accuracy\": %g},\n", rand(), 0.5 + rand() / 2
    else if (rt == "cascade")
      printf "\"routing\": {\"strategy\": \"cascade\", \"verifier\": {\"tpr\": %g, \"fpr\": %g}},\n", rand(), rand() / 2
    else
      printf "\n"
    if (rand() < 0.3)
      printf "\"slo\": {\"e2e_s\": %g},\n", 1 + rand() * 20
    printf "\"cloud\": {\"accuracy\": {\"d\": [0, 1], \"p\": [0.99, 0.9]}"
    if (rand() < 0.6)
      printf ", \"outages\": [[%d, %d]]", 50 + int(rand() * 100), 200 + int(rand() * 100)
    if (rand() < 0.5)
      printf ", \"limits\": {\"rpm\": %d, \"max_concurrency\": %d}", 5 + int(rand() * 60), 1 + int(rand() * 5)
    if (rand() < 0.5)
      printf ", \"retry\": {\"attempts\": %d, \"backoff_s\": %g}", 1 + int(rand() * 3), 1 + rand() * 20
    if (rand() < 0.3)
      printf ", \"budget_usd\": %g", 0.01 + rand() * 0.1
    printf "}}\n"
  }'
}

check_route() { # check_route K [--set limiter.adapt=...]
  rk=$1; shift
  f=$tmp/r$rk.json
  gen_route "$rk" > "$f"
  if ! "$edgesim" --format json "$@" "$f" > "$tmp/out.json" 2> "$tmp/err"; then
    echo "FAIL route case $rk $*: edgesim failed: $(head -1 "$tmp/err")"; cat "$f"; return 1
  fi
  if grep -qiE 'nan|inf' "$tmp/out.json" || ! jq -e . "$tmp/out.json" > /dev/null 2>&1; then
    echo "FAIL route case $rk $*: output is not valid JSON or holds NaN/inf"; return 1
  fi
  jq -e '.requests as $r | .routing.escalated as $e
         | ($r.generated + $e == $r.edge_served + $r.redirected + $r.dropped)
         and ([.devices[].served] | add) == $r.edge_served
         and ((($r.edge_served - $e) * .accuracy.edge + $r.redirected * .accuracy.cloud
               - $r.generated * .accuracy.all) | fabs) <= 1e-6 * ($r.generated + 1)' \
    "$tmp/out.json" > /dev/null ||
    { echo "FAIL route case $rk $*: conservation or accuracy identity"; jq -c '[.requests, .routing, .accuracy]' "$tmp/out.json"; cat "$f"; return 1; }
  "$edgesim" --format csv --replications 3 --jobs 1 "$@" "$f" > "$tmp/j1" 2>&1 &&
    "$edgesim" --format csv --replications 3 --jobs 2 "$@" "$f" > "$tmp/j2" 2>&1 &&
    cmp -s "$tmp/j1" "$tmp/j2" || { echo "FAIL route case $rk $*: --jobs 1 and 2 differ or fail"; return 1; }
  return 0
}

# limiter.adapt for route case K (target_rejected: its devices may fail;
# window_s <= 55 <= w_max_s = 60 <= duration_s)
adapt_of() {
  awk -v k="$1" 'BEGIN { printf "limiter.adapt={\"target_rejected\": %g, \"gain\": %d, \"interval_s\": %d, \"w_min_s\": 1, \"w_max_s\": 60}", 0.05 + (k % 5) * 0.1, 1 + k % 3, 5 + (k % 4) * 5 }'
}

# scenario K of the model_switch mix as JSON on stdout
gen_switch() {
  awk -v k="$1" 'BEGIN {
    srand(9000 + k)
    split("qwen2.5-0.5b qwen2.5-1.5b qwen2.5-3b qwen2.5-7b", LM, " ")
    split("random load_aware round_robin power_of_d least_outstanding", POL, " ")
    printf "{\"duration_s\": %d, \"seed\": %d, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": %g, \"tokens\": {\"values\": [50, 200], \"weights\": [1, 1]}},\n", 400 + int(rand() * 1200), k, 0.2 + 3 * rand()
    nd = 1 + int(rand() * 3); printf "\"devices\": ["
    for (i = 0; i < nd; i++) {
      printf "%s{\"name\": \"d%d\", \"count\": %d, \"profile\": \"%s\", \"token_capacity\": %d, \"max_parallel\": %d, \"models\": [",
        i ? ", " : "", i, (i ? 1 : 2) + int(rand() * 2), rand() < 0.5 ? "orin_agx" : "orin_nano", 500 + int(rand() * 3000), 1 + int(rand() * 4)
      nm = 0
      for (j = 1; j <= 4; j++)
        if (rand() < 0.6 || (j == 4 && !nm))
          printf "%s{\"lm\": \"%s\", \"accuracy\": {\"d50\": %g, \"scale\": 0.1}}", nm++ ? ", " : "", LM[j], 0.2 + 0.15 * j + 0.1 * rand()
      printf "]"
      if (nm > 1)
        printf rand() < 0.5 ? ", \"swap_s\": %g" : ", \"storage_gbs\": %g", 0.1 + 5 * rand()
      printf "}"
    }
    printf "],\n\"limiter\": {\"window_s\": %g}, \"dispatch\": {\"policy\": \"%s\"},\n", 5 + rand() * 50, POL[1 + int(rand() * 5)]
    printf "\"difficulty\": {\"beta\": [%g, %g]}, ", 1 + rand() * 3, 1 + rand() * 3
    printf "\"routing\": {\"strategy\": \"model_switch\", \"min_accuracy\": %g, \"switch_window\": %d},\n", 0.3 + 0.6 * rand(), 1 + int(rand() * 40)
    printf "\"cloud\": {\"accuracy\": {\"d\": [0, 1], \"p\": [0.99, 0.9]}"
    if (rand() < 0.4)
      printf ", \"outages\": [[%d, %d]]", 50 + int(rand() * 100), 200 + int(rand() * 100)
    if (rand() < 0.4)
      printf ", \"limits\": {\"rpm\": %d}", 5 + int(rand() * 60)
    if (rand() < 0.4)
      printf ", \"retry\": {\"attempts\": %d, \"backoff_s\": %g}", 1 + int(rand() * 3), 1 + rand() * 20
    printf "}}\n"
  }'
}

check_switch() { # check_switch K
  f=$tmp/w$1.json
  gen_switch "$1" > "$f"
  if ! "$edgesim" --format json "$f" > "$tmp/out.json" 2> "$tmp/err"; then
    echo "FAIL switch case $1: edgesim failed: $(head -1 "$tmp/err")"; cat "$f"; return 1
  fi
  if grep -qiE 'nan|inf' "$tmp/out.json" || ! jq -e . "$tmp/out.json" > /dev/null 2>&1; then
    echo "FAIL switch case $1: output is not valid JSON or holds NaN/inf"; return 1
  fi
  jq -e '.requests as $r | .routing as $w
         | ($r.generated == $r.edge_served + $r.redirected + $r.dropped)
         and ([.devices[].served] | add) == $r.edge_served
         and $w.served_lm1 + $w.served_lm2 + $w.served_lm3 + $w.served_lm4 == $r.edge_served
         and $w.sent_up <= $r.redirected + $r.dropped and $w.swap_s >= 0
         and (($r.edge_served * .accuracy.edge + $r.redirected * .accuracy.cloud
               - $r.generated * .accuracy.all) | fabs) <= 1e-6 * ($r.generated + 1)' \
    "$tmp/out.json" > /dev/null ||
    { echo "FAIL switch case $1: conservation, served by LM or accuracy identity"; jq -c '[.requests, .routing, .accuracy]' "$tmp/out.json"; cat "$f"; return 1; }
  "$edgesim" --format csv --replications 3 --jobs 1 "$f" > "$tmp/j1" 2>&1 &&
    "$edgesim" --format csv --replications 3 --jobs 2 "$f" > "$tmp/j2" 2>&1 &&
    cmp -s "$tmp/j1" "$tmp/j2" || { echo "FAIL switch case $1: --jobs 1 and 2 differ or fail"; return 1; }
  return 0
}

check() { # check K
  f=$tmp/s$1.json
  gen "$1" > "$f"
  if ! "$edgesim" --format json --timeseries "$tmp/ts" "$f" > "$tmp/out.json" 2> "$tmp/err"; then
    echo "FAIL case $1: edgesim failed: $(head -1 "$tmp/err")"; cat "$f"; return 1
  fi
  if grep -qiE 'nan|inf' "$tmp/out.json" || ! jq -e . "$tmp/out.json" > /dev/null 2>&1; then
    echo "FAIL case $1: output is not valid JSON or holds NaN/inf"; return 1
  fi
  jq -e '.requests as $r | ($r.generated == $r.edge_served + $r.redirected + $r.dropped)
         and ([.devices[].served] | add) == $r.edge_served' "$tmp/out.json" > /dev/null ||
    { echo "FAIL case $1: conservation"; jq -c .requests "$tmp/out.json"; return 1; }
  want=$(jq -r '.requests | "\(.generated) \(.edge_served) \(.redirected) \(.dropped)"' "$tmp/out.json")
  got=$(awk -F '\t' 'NR > 1 { a += $2; e += $3; r += $4; d += $5 } END { printf "%d %d %d %d", a, e, r, d }' "$tmp/ts")
  [ "$want" = "$got" ] || { echo "FAIL case $1: time series sums $got, totals $want"; return 1; }
  "$edgesim" --format csv --replications 3 --jobs 1 "$f" > "$tmp/j1" 2>&1 &&
    "$edgesim" --format csv --replications 3 --jobs 2 "$f" > "$tmp/j2" 2>&1 &&
    cmp -s "$tmp/j1" "$tmp/j2" || { echo "FAIL case $1: --jobs 1 and 2 differ or fail"; return 1; }
  return 0
}

k=1
while [ "$k" -le "$n" ]; do
  check "$k" || fail=1
  k=$((k + 1))
done
k=1
while [ "$k" -le "$m" ]; do
  check_route "$k" || fail=1
  k=$((k + 1))
done
k=1
while [ "$k" -le "$m" ]; do # the same mix with adaptive windows (adapt.h)
  check_route "$k" --set "$(adapt_of "$k")" || fail=1
  k=$((k + 1))
done
k=1
while [ "$k" -le "$l" ]; do
  check_switch "$k" || fail=1
  k=$((k + 1))
done
[ $fail -eq 0 ] && echo "property: $n random scenarios: exit 0, valid JSON, conservation, time-series sums, --jobs 1 = 2; $m with routing, queues, failures and the extended cloud, each also with limiter.adapt: exit 0, valid JSON, conservation with escalations, accuracy identity, --jobs 1 = 2; $l with model_switch: the same, served by LM, sent up"
exit $fail
