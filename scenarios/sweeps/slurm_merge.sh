#!/bin/sh
# slurm_merge.sh OUT: concatenates the rows of slurm_sweep.sbatch (header,
# then the points in array order) to stdout. Fails, printing nothing, unless
# every one of the points that task 0 recorded in OUT/points has its row.
set -eu
OUT=${1:?usage: slurm_merge.sh OUT}
for f in header.csv points; do
  [ -f "$OUT/$f" ] || { echo "$OUT/$f: missing (task 0 failed?)" >&2; exit 1; }
done
n=$(cat "$OUT/points")
case $n in ''|*[!0-9]*) echo "$OUT/points: not a number of points" >&2; exit 1 ;; esac
i=0 missing=
while [ "$i" -lt "$n" ]; do
  [ -f "$(printf '%s/row-%06d.csv' "$OUT" "$i")" ] || missing="$missing $i"
  i=$((i + 1))
done
[ -z "$missing" ] || { echo "$OUT: rows missing for tasks:$missing (of 0..$((n - 1)))" >&2; exit 1; }
extra=$(ls "$OUT" | grep -c '^row-[0-9]*\.csv$' || true)
[ "$extra" -eq "$n" ] || { echo "$OUT: $extra rows for $n points (a stale row from another sweep?)" >&2; exit 1; }
cat "$OUT/header.csv"
i=0
while [ "$i" -lt "$n" ]; do
  cat "$(printf '%s/row-%06d.csv' "$OUT" "$i")"
  i=$((i + 1))
done
