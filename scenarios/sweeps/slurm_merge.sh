#!/bin/sh
# slurm_merge.sh OUT: concatenates the rows of slurm_sweep.sbatch (header,
# then the points in array order) to stdout. Fails if a row is missing.
set -eu
OUT=${1:?usage: slurm_merge.sh OUT}
[ -f "$OUT/header.csv" ] || { echo "$OUT/header.csv: missing (task 0 failed?)" >&2; exit 1; }
n=$(ls "$OUT" | grep -c '^row-[0-9]*\.csv$' || true)
last=$(ls "$OUT" | grep '^row-[0-9]*\.csv$' | tail -n 1 | sed 's/^row-0*\([0-9]\)/\1/; s/\.csv$//')
[ "$n" -gt 0 ] && [ "$n" -eq $((last + 1)) ] || { echo "$OUT: rows missing ($n rows, last $last)" >&2; exit 1; }
cat "$OUT/header.csv" "$OUT"/row-*.csv
