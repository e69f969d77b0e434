#!/bin/sh
# queue_deadline.sh [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO]: TTFT
# p95 (all requests) and cloud cost against the queue deadline deadline_s
# of every device, for each dispatch policy, with 95% CIs (issue 13).
# DEADLINES="1 2 5 ..." and POLICIES="random ..." choose the points.
# Writes OUTDIR/queue_deadline.tsv and queue_deadline.png / .svg.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO.json]  (default scenarios/queue_deadline.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/queue_deadline.json}
DEADLINES=${DEADLINES:-1 2 5 10 20 40}
POLICIES=${POLICIES:-random weighted load_aware}
[ -n "$(echo $DEADLINES)" ] && [ -n "$(echo $POLICIES)" ] || die "DEADLINES and POLICIES must not be empty"
for d in $DEADLINES; do
  case $d in ''|*[!0-9.]*|.|*.*.*) die "DEADLINES: '$d' is not a number of seconds" ;; esac
done
"$BIN" --validate "$SCEN" 2>/dev/null || die "$SCEN is not a valid scenario (edgesim --validate says why)"
ndev=$(tr -d ' \n' <"$SCEN" | grep -o '"max_parallel":' | wc -l)
[ "$ndev" -ge 1 ] || die "$SCEN: no device entries"

begin_output
T=$STAGE/queue_deadline.tsv
printf 'policy\tdeadline_s\tttft_p95_s\tttft_p95_ci95\tcloud_usd\tcloud_usd_ci95\n' >"$T"
for p in $POLICIES; do
  for d in $DEADLINES; do
    sets="--set dispatch.policy=$p"
    i=0
    while [ $i -lt "$ndev" ]; do
      sets="$sets --set devices.$i.queue.deadline_s=$d"
      i=$((i + 1))
    done
    # shellcheck disable=SC2086
    run_edgesim row.csv $sets --replications "$REPS" --format csv --summary --no-header \
      --metrics ttft_s.all.p95,cost.cloud_usd "$SCEN"
    awk -F, -v OFS='\t' -v p="$p" -v d="$d" 'NF != 14 { exit 1 } { print p, d, $5, $7, $10, $12 }' \
      "$STAGE/row.csv" >>"$T" || die "unexpected output from edgesim at deadline $d, $p"
  done
done
render queue_deadline.gp queue_deadline 1400,560 scenario "$(basename "$SCEN" .json)" reps "$REPS" \
  policies "$(echo $POLICIES)" deadlines "$(echo $DEADLINES)"
publish queue_deadline.tsv queue_deadline.png queue_deadline.svg
echo "$OUT/queue_deadline.png"
