#!/bin/sh
# calibration.sh [-c CALIBRATE] [-o OUTDIR] [PROFILES_DIR]: a Figure-3-style
# chart of the calibrated profiles (models/profiles by default): decode speed,
# time to first token and energy per query against the bytes each model
# reads per generated token (its weights, as quantized),
# one line per device, out-of-memory points marked. Writes OUTDIR/calibration.tsv
# and calibration.png / .svg. CALIBRATE defaults to $EDGESIM_CALIBRATE, else
# build/calibration/edgesim-calibrate of this repository.
set -eu
usage() { echo "usage: $0 [-c EDGESIM_CALIBRATE] [-o OUTDIR] [PROFILES_DIR]"; }
PLOTS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$PLOTS_DIR")
CAL=${EDGESIM_CALIBRATE:-$REPO/build/calibration/edgesim-calibrate}
OUT=${EDGESIM_PLOTS:-$REPO/build/figures}
while getopts "c:o:h" opt; do
  case $opt in
    c) CAL=$OPTARG ;;
    o) OUT=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || { usage >&2; exit 2; }
DIR=${1:-$REPO/models/profiles}
# common.sh sets its own defaults: keep ours, then let it check the
# calibrator (in place of edgesim), gnuplot and the output directory.
want_cal=$CAL want_out=$OUT
. "$PLOTS_DIR/common.sh"
OPTIND=1
parse_common -b "$want_cal" -o "$want_out"
CAL=$BIN
begin_output
"$CAL" --tsv "$DIR" >"$STAGE/calibration.tsv" || die "edgesim-calibrate --tsv $DIR failed"
# Which profiles: the shipped ones or others (this machine's calibration),
# with where and when they were measured (generated_by, host.cpu).
command -v jq >/dev/null 2>&1 || die "jq is not installed (Debian: apt-get install jq)"
if [ "$(cd "$DIR" && pwd -P)" = "$(cd "$REPO/models/profiles" && pwd -P)" ]; then
  which="the shipped profiles (models/profiles)"
else
  which="the profiles in $DIR"
fi
made=$(jq -rs '[.[] | "\(.generated_by | sub("^[^,]*, "; "") | .[0:10]) on \(.host.cpu // "an unknown CPU")"]
  | unique | join("; ")' "$DIR"/*.json) || die "$DIR: cannot read generated_by and host.cpu"
devices=$(awk -F'\t' 'NR > 1 && !seen[$1]++ { printf "%s ", $1 }' "$STAGE/calibration.tsv")
lms=$(awk -F'\t' 'NR > 1 && !seen[$2]++ { printf "%s:%s ", $2, $3 }' "$STAGE/calibration.tsv")
render calibration.gp calibration 1500,520 profiles "$which, measured $made" devices "$devices" lms "$lms"
publish calibration.tsv calibration.png calibration.svg
echo "$OUT/calibration.png"
