#!/bin/sh
# figure4.sh [-b BIN] [-o OUTDIR] [-n REPLICATIONS]: the paper's Figure 4 for
# the four shipped scenarios, with 95% confidence intervals over N
# replications (default 20). Writes, in OUTDIR:
#   figure4_requests.tsv     per scenario: requests served at the edge and
#                            rejected (redirected), tokens and USD to the cloud
#   figure4_utilization.tsv  per device: token utilization under bursty load,
#                            random vs load_aware
#   figure4_util_means.tsv   per policy: mean token utilization over devices
#   figure4.png, figure4.svg
# Every number is a mean and a 95% CI half-width as printed by
# `edgesim --replications N --format csv --summary`.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [-n REPLICATIONS]"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
SC=$REPO/scenarios

# summary BASENAME METRICS...: "mean<TAB>ci95" for each metric, one line.
summary() {
  f=$SC/$1.json
  shift
  m=$(echo "$@" | tr ' ' ',')
  "$BIN" --replications "$REPS" --format csv --summary --no-header --metrics "$m" "$f" |
    awk -F, -v OFS='\t' '{ s = ""; for (i = 5; i <= NF; i += 5) s = s (s == "" ? "" : OFS) $i OFS $(i + 2); print s }' ||
    die "edgesim failed on $f"
}

{
  printf 'scenario\tlabel\tedge_served\tedge_served_ci95\trejected\trejected_ci95\ttokens_cloud\ttokens_cloud_ci95\tcloud_usd\tcloud_usd_ci95\n'
  for s in steady_random steady_weighted bursty_random bursty_loadaware; do
    label=$(echo "$s" | sed 's/_loadaware/_load-aware/; s/_/\\n/')
    printf '%s\t%s\t%s\n' "$s" "$label" \
      "$(summary "$s" requests.edge_served requests.redirected tokens.cloud cost.cloud_usd)"
  done
} | write_atomic "$OUT/figure4_requests.tsv"

# Device names and count from one run of the bursty scenario.
names=$("$BIN" --format json "$SC/bursty_random.json" |
  sed -n 's/.*{"name": "\([^"]*\)".*/\1/p')
n=$(echo "$names" | wc -l)
devs=$(seq 0 $((n - 1)) | sed 's/.*/devices.&.token_utilization/')
ur=$(summary bursty_random $devs | tr '\t' '\n')
ul=$(summary bursty_loadaware $devs | tr '\t' '\n')
{
  printf 'device\trandom\trandom_ci95\tload_aware\tload_aware_ci95\n'
  i=0
  echo "$names" | while read -r name; do
    r=$(echo "$ur" | sed -n "$((2 * i + 1)),$((2 * i + 2))p" | paste -sd '\t')
    l=$(echo "$ul" | sed -n "$((2 * i + 1)),$((2 * i + 2))p" | paste -sd '\t')
    printf '%s\t%s\t%s\n' "$name" "$r" "$l"
    i=$((i + 1))
  done
} | write_atomic "$OUT/figure4_utilization.tsv"

{
  printf 'policy\tmean\tmean_ci95\n'
  printf 'random\t%s\n' "$(summary bursty_random utilization.mean)"
  printf 'load_aware\t%s\n' "$(summary bursty_loadaware utilization.mean)"
} | write_atomic "$OUT/figure4_util_means.tsv"

render figure4.gp figure4 "dir='$OUT'; reps=$REPS" 1600,620
echo "$OUT/figure4.png"
