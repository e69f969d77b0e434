#!/bin/sh
# figure4.sh [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [OUTDIR]: the paper's
# Figure 4 for the four shipped scenarios, with 95% confidence intervals over
# N replications (default 20). Writes, in OUTDIR:
#   figure4_requests.tsv     per scenario: requests served at the edge and
#                            rejected (redirected), tokens and USD to the cloud
#   figure4_utilization.tsv  per device: token utilization under bursty load,
#                            random vs load_aware
#   figure4_util_means.tsv   per policy: mean token utilization over devices
#   figure4.png, figure4.svg
# Every number is a mean and a 95% CI half-width as printed by
# `edgesim --replications N --format csv --summary`. Nothing is replaced
# unless every run and both images succeed.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [OUTDIR]"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
[ $# -le 1 ] || { usage >&2; exit 2; }
[ $# -eq 0 ] || OUT=$1
begin_output
SC=$REPO/scenarios

# summary BASENAME METRICS...: sets ROW to "mean<TAB>ci95<TAB>..." for each
# metric, from the --summary CSV row (scenario, policy, replications, seed,
# then per metric: mean, std, ci95, min, max).
summary() {
  f=$SC/$1.json
  shift
  m=$(echo "$@" | tr ' ' ',')
  run_edgesim row.csv --replications "$REPS" --format csv --summary --no-header --metrics "$m" "$f"
  ROW=$(awk -F, -v OFS='\t' -v want=$((4 + $# * 5)) '
    NF != want { exit 1 }
    { s = ""; for (i = 5; i <= NF; i += 5) s = s (s == "" ? "" : OFS) $i OFS $(i + 2); print s }' \
    "$STAGE/row.csv") || die "unexpected output from edgesim on $f (want $# metrics)"
}

T=$STAGE/figure4_requests.tsv
printf 'scenario\tlabel\tedge_served\tedge_served_ci95\trejected\trejected_ci95\ttokens_cloud\ttokens_cloud_ci95\tcloud_usd\tcloud_usd_ci95\n' >"$T"
for s in steady_random steady_weighted bursty_random bursty_loadaware; do
  label=$(echo "$s" | sed 's/_loadaware/_load-aware/; s/_/\\n/')
  summary "$s" requests.edge_served requests.redirected tokens.cloud cost.cloud_usd
  printf '%s\t%s\t%s\n' "$s" "$label" "$ROW" >>"$T"
done

# Device names from one run of the bursty scenario (one per line).
run_edgesim names.json --format json "$SC/bursty_random.json"
jq -r '.devices[].name' "$STAGE/names.json" >"$STAGE/names" || die "cannot read the device names"
n=$(wc -l <"$STAGE/names")
[ "$n" -gt 0 ] || die "no devices in $SC/bursty_random.json"
devs=$(seq 0 $((n - 1)) | sed 's/.*/devices.&.token_utilization/')
summary bursty_random $devs
echo "$ROW" | tr '\t' '\n' | paste - - >"$STAGE/ur"
summary bursty_loadaware $devs
echo "$ROW" | tr '\t' '\n' | paste - - >"$STAGE/ul"
U=$STAGE/figure4_utilization.tsv
printf 'device\trandom\trandom_ci95\tload_aware\tload_aware_ci95\n' >"$U"
paste "$STAGE/names" "$STAGE/ur" "$STAGE/ul" >>"$U"

M=$STAGE/figure4_util_means.tsv
printf 'policy\tmean\tmean_ci95\n' >"$M"
summary bursty_random utilization.mean
printf 'random\t%s\n' "$ROW" >>"$M"
summary bursty_loadaware utilization.mean
printf 'load_aware\t%s\n' "$ROW" >>"$M"

render figure4.gp figure4 1600,620 reps "$REPS"
publish figure4_requests.tsv figure4_utilization.tsv figure4_util_means.tsv figure4.png figure4.svg
echo "$OUT/figure4.png"
