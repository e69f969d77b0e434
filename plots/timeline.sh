#!/bin/sh
# timeline.sh [-b BIN] [-o OUTDIR] [SCENARIO]: per-step arrivals, edge-served
# and redirected requests, and the devices' token utilization over the run.
# Writes OUTDIR/timeline.tsv (the data: edgesim --timeseries) and
# timeline.png / timeline.svg. The heat map has one row per device up to
# MAX_ROWS (32) devices; beyond that, consecutive instances of one device
# entry (agx[0], agx[1], ...) share a row showing their mean, and if there
# are still more than MAX_ROWS rows, consecutive devices are grouped evenly;
# the figure says which.
set -eu
usage() { echo "usage: $0 [-b BIN] [-o OUTDIR] [SCENARIO.json]  (default scenarios/bursty_random.json)"; }
. "$(dirname "$0")/common.sh"
parse_common "$@"
shift $((OPTIND - 1))
SCEN=${1:-$REPO/scenarios/bursty_random.json}
[ $# -le 1 ] || { usage >&2; exit 2; }
MAX_ROWS=${MAX_ROWS:-32}
case $MAX_ROWS in '' | *[!0-9]* | 0) die "MAX_ROWS: must be a whole number >= 1, got '$MAX_ROWS'" ;; esac
begin_output
run_edgesim summary.txt --timeseries "$STAGE/timeline.tsv" "$SCEN"
# The heat map's rows: heat.tsv (t, row, mean utilization of the row's
# devices) and rows.tsv (row, label), one line per row.
awk -F'\t' -v OFS='\t' -v max="$MAX_ROWS" -v rows="$STAGE/rows.tsv" -v note="$STAGE/note" '
  NR == 1 {
    nd = NF - 8
    for (i = 1; i <= nd; i++) {
      name[i] = substr($(i + 8), 6)          # util_NAME
      base[i] = name[i]; sub(/\[[0-9]+\]$/, "", base[i])
    }
    ng = 0                                   # one row per device
    for (i = 1; i <= nd; i++) { ng++; first[ng] = i; grp[i] = ng; last[ng] = i }
    how = "one row per device"
    if (ng > max) {                          # instances of one entry together
      ng = 0
      for (i = 1; i <= nd; i++) {
        if (i == 1 || base[i] != base[i - 1]) { ng++; first[ng] = i }
        grp[i] = ng; last[ng] = i
      }
      how = "a row is the mean of one device entry'"'"'s instances"
    }
    if (ng > max) {                          # still too many: even groups
      per = int((nd + max - 1) / max); ng = 0
      for (i = 1; i <= nd; i++) {
        if ((i - 1) % per == 0) { ng++; first[ng] = i }
        grp[i] = ng; last[ng] = i
      }
      how = "a row is the mean of up to " per " consecutive devices"
    }
    for (g = 1; g <= ng; g++) {
      k = last[g] - first[g] + 1
      label = k == 1 ? name[first[g]] : name[first[g]] " .. " name[last[g]] " (" k ")"
      print g - 1, label >rows
    }
    printf "%d devices in %d rows: %s", nd, ng, how >note
    next
  }
  {
    for (g = 1; g <= ng; g++) sum[g] = 0
    for (i = 1; i <= nd; i++) sum[grp[i]] += $(i + 8)
    for (g = 1; g <= ng; g++) print $1, g - 1, sum[g] / (last[g] - first[g] + 1)
  }' "$STAGE/timeline.tsv" >"$STAGE/heat.tsv" || die "cannot read $STAGE/timeline.tsv"
render timeline.gp timeline 1500,560 scenario "$(basename "$SCEN" .json)" rows_note "$(cat "$STAGE/note")"
publish timeline.tsv timeline.png timeline.svg
echo "$OUT/timeline.png"
