#!/bin/sh
# timeline.sh [-b BIN] [-o OUTDIR] [SCENARIO]: per-step arrivals, edge-served
# and redirected requests, and each device's token utilization over the run.
# Writes OUTDIR/timeline.tsv (the data) and timeline.png / timeline.svg.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [SCENARIO.json]  (default scenarios/bursty_random.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/bursty_random.json}
[ $# -le 1 ] || { usage >&2; exit 2; }
begin_output
run_edgesim summary.txt --timeseries "$STAGE/timeline.tsv" "$SCEN"
name=$(basename "$SCEN" .json)
render timeline.gp timeline "datafile='$STAGE/timeline.tsv'; scenario='$name'"
publish timeline.tsv timeline.png timeline.svg
echo "$OUT/timeline.png"
