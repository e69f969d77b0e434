# common.sh: shared by the plot scripts (sourced, not run).
# Options every script takes:  -b BIN  edgesim binary (default $EDGESIM, else
# build/sim/edgesim of this repository);  -o DIR  output directory (default
# $EDGESIM_PLOTS, else build/figures of this repository);  -n N  replications where used.
#
# All or nothing: a script writes its data files and images into a staging
# folder inside the output directory ($STAGE) and publish() renames them into
# place only when everything succeeded. Any failure (edgesim, gnuplot, a
# signal) removes the staging folder, so the output directory keeps exactly
# what it had before: never a half-written image or a TSV with blank fields.
# Every command whose failure matters runs in the main shell (not in a pipe or
# a command substitution whose status is lost), so `die` really stops.

PLOTS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$PLOTS_DIR")
BIN=${EDGESIM:-$REPO/build/sim/edgesim}
OUT=${EDGESIM_PLOTS:-$REPO/build/figures}
REPS=${EDGESIM_REPLICATIONS:-20}
STAGE=

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

cleanup() { [ -z "$STAGE" ] || rm -rf "$STAGE"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

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
}

# begin_output: creates the output directory and the staging folder in it.
# Call after the options (and any positional arguments) are final.
begin_output() {
  mkdir -p "$OUT" || die "cannot create output directory $OUT"
  STAGE=$(mktemp -d "$OUT/.staging.XXXXXX") || die "cannot write in $OUT"
}

# run_edgesim FILE ARGS...: edgesim ARGS > $STAGE/FILE; stops the script,
# with edgesim's own message on stderr, if edgesim fails or prints nothing.
run_edgesim() {
  f=$STAGE/$1
  shift
  "$BIN" "$@" >"$f" || die "edgesim failed (exit $?): $BIN $*"
  [ -s "$f" ] || die "edgesim printed nothing: $BIN $*"
}

# render SCRIPT.gp BASENAME WIDTH,HEIGHT [NAME VALUE]...: BASENAME.png and
# .svg in $STAGE. Each NAME (an identifier) is set to the string VALUE in
# gnuplot through $STAGE/vars.tsv, read by render.gp as data, never as
# gnuplot or shell text, so folder and scenario names with ' ; or $ are
# safe. gnuplot runs in $STAGE: the scripts name their data files relative
# to it. In VALUE, tabs and newlines become spaces and '"' becomes "'"
# (gnuplot's data reader would end the field there); a script turns a
# number back with `+ 0`.
render() {
  gp=$1 base=$2 size=$3
  shift 3
  : >"$STAGE/vars.tsv"
  while [ $# -ge 2 ]; do
    printf '%s\t%s\n' "$1" "$(printf '%s' "$2" | tr '\t\n"' "  '")" >>"$STAGE/vars.tsv"
    shift 2
  done
  for fmt in png svg; do
    case $fmt in
      png) term="pngcairo size $size noenhanced font 'Sans,11'" ;;
      svg) term="svg size $size dynamic noenhanced font 'Sans,11'" ;;
    esac
    gnuplot -c "$PLOTS_DIR/render.gp" "$PLOTS_DIR/$gp" "$base.$fmt" "$term" "$STAGE" ||
      die "gnuplot failed on $gp"
    [ -s "$STAGE/$base.$fmt" ] || die "gnuplot wrote no $base.$fmt"
  done
}

# publish FILE...: renames each staged file into $OUT (same file system, so
# each rename is atomic) with the permissions the umask gives new files.
publish() {
  for f in "$@"; do
    chmod "$(umask_mode)" "$STAGE/$f" && mv -f "$STAGE/$f" "$OUT/$f" || die "cannot write $OUT/$f"
  done
}

umask_mode() { printf '%o' $((0666 & ~$(umask))); }
