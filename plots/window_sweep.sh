#!/bin/sh
# window_sweep.sh [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO]: the
# rejected fraction and cloud cost against the window length W for each
# dispatch policy, with 95% CIs. Each device keeps its token RATE C/W of the
# scenario (C is scaled with W), so the sweep isolates the window's effect:
# short windows recover from bursts quickly but cannot absorb them; long
# windows smooth bursts but, once full, stay full for W seconds.
# Writes OUTDIR/window_sweep.tsv and window_sweep.png / .svg. Needs jq.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [-n REPLICATIONS] [SCENARIO.json]  (default scenarios/bursty_random.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/bursty_random.json}
WINDOWS=${WINDOWS:-15 30 60 120 300 600}
POLICIES=${POLICIES:-random weighted load_aware}
[ -n "$(echo $WINDOWS)" ] && [ -n "$(echo $POLICIES)" ] || die "WINDOWS and POLICIES must not be empty"
for w in $WINDOWS; do
  case $w in ''|*[!0-9.]*|.|*.*.*) die "WINDOWS: '$w' is not a window length in seconds" ;; esac
done

"$BIN" --validate "$SCEN" 2>/dev/null || die "$SCEN is not a valid scenario (edgesim --validate says why)"
# The scenario's window and each device's capacity, read as JSON by jq
# (8e2 is 800; a device without an explicit token_capacity is refused).
command -v jq >/dev/null 2>&1 || die "jq is not installed (Debian: apt-get install jq)"
W0=$(jq -er '.limiter.window_s | numbers' "$SCEN") || die "$SCEN: cannot read limiter.window_s"
caps=$(jq -er '.devices[] | .token_capacity | numbers' "$SCEN") && [ -n "$caps" ] ||
  die "$SCEN: devices need an explicit token_capacity for this sweep"
begin_output
T=$STAGE/window_sweep.tsv
printf 'policy\twindow_s\trejected_fraction\trejected_fraction_ci95\tcloud_usd\tcloud_usd_ci95\n' >"$T"
for p in $POLICIES; do
  for w in $WINDOWS; do
    sets="--set dispatch.policy=$p --set limiter.window_s=$w"
    i=0
    for c in $caps; do
      sets="$sets --set devices.$i.token_capacity=$(awk -v c="$c" -v w="$w" -v w0="$W0" 'BEGIN { x = c * w / w0; printf "%d", (x < 1 ? 1 : x + 0.5) }')"
      i=$((i + 1))
    done
    # shellcheck disable=SC2086
    run_edgesim row.csv $sets --replications "$REPS" --format csv --summary --no-header \
      --metrics requests.rejected_fraction,cost.cloud_usd "$SCEN"
    awk -F, -v OFS='\t' -v p="$p" -v w="$w" 'NF != 14 { exit 1 } { print p, w, $5, $7, $10, $12 }' \
      "$STAGE/row.csv" >>"$T" || die "unexpected output from edgesim at W=$w, $p"
  done
done
render window_sweep.gp window_sweep 1400,560 scenario "$(basename "$SCEN" .json)" reps "$REPS" \
  policies "$(echo $POLICIES)" windows "$(echo $WINDOWS)" policy_list "$(echo $POLICIES | sed 's/ /, /g')"
publish window_sweep.tsv window_sweep.png window_sweep.svg
echo "$OUT/window_sweep.png"
