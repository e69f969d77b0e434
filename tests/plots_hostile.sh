#!/bin/sh
# plots_hostile.sh EDGESIM CALIBRATE ROOT: the plot scripts with an output
# folder and a scenario file whose names hold ' ; $ and ", and a scenario
# whose capacities are written 8e2: every figure renders, no command hidden
# in a name runs (no PWNED file), and the window sweep reads 8e2 as 800.
set -u
E=$1 C=$2 ROOT=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
O="$T/out it's; \$(touch PWNED) \"q\""
S="$T/x'; system('touch PWNED'); y='.json"
sed 's/"token_capacity": 800/"token_capacity": 8e2/' "$ROOT/scenarios/bursty_random.json" >"$S"
grep -q '8e2' "$S" || fail "fixture"
cd "$T" || exit 1
sh "$ROOT/plots/timeline.sh" -b "$E" -o "$O" "$S" >/dev/null || fail "timeline.sh"
WINDOWS='30 60' POLICIES='random load_aware' sh "$ROOT/plots/window_sweep.sh" -n 2 -b "$E" \
  -o "$O" "$S" >/dev/null || fail "window_sweep.sh"
sh "$ROOT/plots/calibration.sh" -c "$C" -o "$O" >/dev/null || fail "calibration.sh"
sh "$ROOT/plots/figure4.sh" -n 2 -b "$E" -o "$O" >/dev/null || fail "figure4.sh"
for f in timeline window_sweep calibration figure4; do
  [ -s "$O/$f.png" ] && [ -s "$O/$f.svg" ] || fail "$f not rendered"
done
[ -z "$(find "$T" / -maxdepth 1 -name PWNED 2>/dev/null)" ] || fail "a command in a name ran"
[ ! -e "$ROOT/PWNED" ] || fail "a command in a name ran"
# W = 30 halves the 60 s window: an agx (800 tokens) gets 400, not 4 (8e2 read as 8)
"$E" --replications 2 --format csv --summary --no-header --metrics requests.rejected_fraction \
  --set dispatch.policy=random --set limiter.window_s=30 --set devices.0.token_capacity=400 \
  --set devices.1.token_capacity=200 --set devices.2.token_capacity=100 "$S" >"$T/want" || fail "run"
want=$(cut -d, -f5 "$T/want")
got=$(awk -F'\t' '$1 == "random" && $2 == 30 { print $3 }' "$O/window_sweep.tsv")
[ "$want" = "$got" ] || fail "window sweep at W=30: rejected fraction $got, want $want (8e2 misread?)"
echo ok
