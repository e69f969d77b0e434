#!/bin/sh
# frontier.sh [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO]: the
# cost-accuracy frontier of the routing strategies (README, "Routing and
# accuracy"): edge_first as one point, threshold swept over routing.theta
# with a perfect and an 80% router, and cascade swept over the verifier's
# tpr (fpr 0.1); every point the mean of REPLICATIONS runs with 95% CIs
# (common random numbers: every point sees the same requests). Writes
# OUTDIR/frontier.tsv and frontier.png / .svg. The scenario needs
# `difficulty` and accuracy curves (default scenarios/examples/frontier_bursty.json).
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO.json]  (default scenarios/examples/frontier_bursty.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/examples/frontier_bursty.json}
THETAS=${THETAS:-0,0.2,0.35,0.5,0.6,0.7,0.8,1}
TPRS=${TPRS:-0,0.25,0.5,0.75,0.9,1}
"$BIN" --validate "$SCEN" 2>/dev/null || die "$SCEN is not a valid scenario (edgesim --validate says why)"
METRICS=cost.total_usd,accuracy.all,latency_s.all.p95,cost.edge_energy_wh
begin_output
T=$STAGE/frontier.tsv
printf 'series\tx\tcost_usd\tcost_usd_ci95\taccuracy\taccuracy_ci95\tp95_s\tp95_s_ci95\tenergy_wh\tenergy_wh_ci95\n' >"$T"

# series NAME SWEEP-ARGS...: one sweep, its rows appended to $T as NAME,
# the swept value, then each metric's mean and ci95 (columns by name).
series() {
  name=$1
  shift
  run_edgesim sweep.tsv sweep "$SCEN" --replications "$REPS" --format tsv \
    --metrics "$METRICS" "$@"
  awk -F'\t' -v OFS='\t' -v s="$name" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split("cost.total_usd accuracy.all latency_s.all.p95 cost.edge_energy_wh", m, " ")
              for (k = 1; k <= n; k++) if (!((m[k] ".mean") in c) || !((m[k] ".ci95") in c)) exit 1; next }
    { line = s OFS $1; for (k = 1; k <= n; k++) line = line OFS $c[m[k] ".mean"] OFS $c[m[k] ".ci95"]; print line; rows++ }
    END { if (NR < 2 || rows < 1) exit 1 }' "$STAGE/sweep.tsv" >>"$T" ||
    die "unexpected output from edgesim sweep for $name"
}

series edge_first --vary routing.strategy=edge_first
series threshold --set routing.strategy=threshold --vary "routing.theta=$THETAS"
series threshold_router_0.8 --set routing.strategy=threshold --set routing.router_accuracy=0.8 \
  --vary "routing.theta=$THETAS"
series cascade_fpr_0.1 --set routing.strategy=cascade --set routing.verifier.fpr=0.1 \
  --vary "routing.verifier.tpr=$TPRS"
render frontier.gp frontier 1400,600 scenario "$(basename "$SCEN" .json)" reps "$REPS"
publish frontier.tsv frontier.png frontier.svg
echo "$OUT/frontier.png"
