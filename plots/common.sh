# common.sh: shared by the plot scripts (sourced, not run).
# Options every script takes:  -b BIN  edgesim binary (default $EDGESIM, else
# build/sim/edgesim of this repository);  -o DIR  output directory (default
# $EDGESIM_PLOTS, else build/figures of this repository);  -n N  replications where used.
# Images are rendered to a temporary name and renamed, so a failed run never
# leaves a half-written picture.

PLOTS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$PLOTS_DIR")
BIN=${EDGESIM:-$REPO/build/sim/edgesim}
OUT=${EDGESIM_PLOTS:-$REPO/build/figures}
REPS=${EDGESIM_REPLICATIONS:-20}

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

parse_common() {
  while getopts "b:o:n:h" opt; do
    case $opt in
      b) BIN=$OPTARG ;;
      o) OUT=$OPTARG ;;
      n) REPS=$OPTARG ;;
      h) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
  done
  command -v gnuplot >/dev/null 2>&1 ||
    die "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
  [ -x "$BIN" ] || die "edgesim binary not found at $BIN (build it, or pass -b BIN or set EDGESIM)"
  case $REPS in ''|*[!0-9]*|0|1) die "-n: replications must be a whole number >= 2 (for confidence intervals), got '$REPS'" ;; esac
  mkdir -p "$OUT" || die "cannot create output directory $OUT"
}

# render SCRIPT.gp BASENAME VARS [WIDTH,HEIGHT]: BASENAME.png and .svg in $OUT,
# VARS being gnuplot assignments ("dir='...'; reps=20").
render() {
  gp=$1 base=$2 vars=$3 size=${4:-1500,520}
  for fmt in png svg; do
    case $fmt in
      png) term="pngcairo size $size noenhanced font 'Sans,11'" ;;
      svg) term="svg size $size dynamic noenhanced font 'Sans,11'" ;;
    esac
    tmp="$OUT/.$base.$fmt.$$"
    if ! gnuplot -e "$vars; set terminal $term; set output '$tmp'" "$PLOTS_DIR/$gp"; then
      rm -f "$tmp"
      die "gnuplot failed on $gp"
    fi
    mv -f "$tmp" "$OUT/$base.$fmt"
  done
}

# write_atomic FILE: copies stdin to FILE through a temporary name.
write_atomic() {
  tmp="$1.tmp.$$"
  cat >"$tmp" && mv -f "$tmp" "$1" || { rm -f "$tmp"; die "cannot write $1"; }
}
