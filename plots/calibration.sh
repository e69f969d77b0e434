#!/bin/sh
# calibration.sh [-c CALIBRATE] [-o OUTDIR] [PROFILES_DIR]: a Figure-3-style
# chart of the calibrated profiles (models/profiles by default): decode speed,
# time to first token and energy per query against the model's weight size,
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
render calibration.gp calibration "datafile='$STAGE/calibration.tsv'" 1500,500
publish calibration.tsv calibration.png calibration.svg
echo "$OUT/calibration.png"
