#!/bin/sh
# outage.sh [-b BIN] [-o OUTDIR] [SCENARIO]: requests answered at the edge,
# answered by the cloud and dropped (lost to the outage) over time through a
# cloud outage, one panel per dispatch policy (random, weighted,
# load_aware), one run each. Writes OUTDIR/outage_<policy>.tsv (edgesim
# --timeseries: the data) and outage.png / outage.svg.
# gnuplot runs in the staging folder and reads the data by fixed file names;
# no scenario text is ever spliced into gnuplot code.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [SCENARIO.json]  (default scenarios/cloud_outage.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/cloud_outage.json}
[ $# -le 1 ] || { usage >&2; exit 2; }
begin_output
for p in random weighted load_aware; do
  run_edgesim "summary_$p.txt" --set dispatch.policy=$p --timeseries "$STAGE/outage_$p.tsv" "$SCEN"
  head -n 1 "$STAGE/outage_$p.tsv" | grep -q "$(printf '\tcloud_up\t')" ||
    die "$SCEN configures no cloud outage (no cloud_up column in the time series)"
done
for fmt in png svg; do
  case $fmt in
    png) term="pngcairo size 1500,520 noenhanced font 'Sans,11'" ;;
    svg) term="svg size 1500,520 dynamic noenhanced font 'Sans,11'" ;;
  esac
  (cd "$STAGE" && gnuplot -e "set terminal $term; set output 'outage.$fmt'" "$PLOTS_DIR/outage.gp") ||
    die "gnuplot failed on outage.gp"
  [ -s "$STAGE/outage.$fmt" ] || die "gnuplot wrote no outage.$fmt"
done
publish outage_random.tsv outage_weighted.tsv outage_load_aware.tsv outage.png outage.svg
echo "$OUT/outage.png"
