#!/bin/sh
# The shipped sweep scripts print exactly what `edgesim sweep` prints.
# usage: sweep_scripts.sh parallel|slurm EDGESIM   (run from the source tree)
# parallel: exits 77 (ctest: skipped) when GNU parallel is not installed.
# slurm: runs every array task of slurm_sweep.sbatch locally, then the merge.
set -eu
E=$2
S=scenarios/bursty_random.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
case $1 in
parallel)
  if ! command -v parallel >/dev/null || ! parallel --version 2>/dev/null | grep -q GNU; then
    echo "GNU parallel not installed: skipped"
    exit 77
  fi
  for n in 1 3; do
    EDGESIM=$E WINDOWS="30 120" POLICIES="random weighted load_aware" REPLICATIONS=$n JOBS=2 \
      METRICS=requests.redirected,cost.cloud_usd sh scenarios/sweeps/parallel_sweep.sh $S >"$T/p"
    "$E" sweep $S --vary limiter.window_s=30,120 --vary dispatch.policy=random,weighted,load_aware \
      --replications $n --metrics requests.redirected,cost.cloud_usd >"$T/s"
    cmp "$T/p" "$T/s" || { diff "$T/p" "$T/s"; exit 1; }
  done
  # A scenario path with a space, an apostrophe and a $: the same rows.
  H="$T/it's a \$HOME dir"
  mkdir "$H" && cp $S "$H/s.json"
  EDGESIM=$E WINDOWS="30" POLICIES="random" JOBS=2 \
    sh scenarios/sweeps/parallel_sweep.sh "$H/s.json" >"$T/p" 2>"$T/e" || { cat "$T/e"; exit 1; }
  "$E" sweep "$H/s.json" --vary limiter.window_s=30 --vary dispatch.policy=random >"$T/s"
  cmp "$T/p" "$T/s" || { diff "$T/p" "$T/s"; exit 1; }
  # Bad input: exit 2, one line, nothing on stdout (no partial CSV).
  fails() { # STATUS VAR=VALUE...: the script must fail so
    want=$1; shift
    set +e
    env EDGESIM=$E WINDOWS="30 60" JOBS=2 "$@" sh scenarios/sweeps/parallel_sweep.sh $S >"$T/p" 2>"$T/e"
    rc=$?
    set -e
    [ $rc -eq "$want" ] || { echo "$*: exit $rc, want $want"; cat "$T/e"; exit 1; }
    [ "$(wc -l <"$T/e")" -eq 1 ] || { echo "$*: stderr is not one line"; cat "$T/e"; exit 1; }
    [ ! -s "$T/p" ] || { echo "$*: partial output"; exit 1; }
  }
  fails 2 REPLICATIONS=abc
  fails 2 REPLICATIONS=-1
  fails 2 "POLICIES=random nope"
  fails 2 "WINDOWS=30 60 -5"
  fails 2 METRICS=nope
  fails 2 JOBS=many
  # A run that fails at the third point, after two rows were printed: exit 1.
  printf '#!/bin/sh\ncase "$*" in *--validate*) ;; *window_s=60*weighted*) echo "boom" >&2; exit 1 ;; esac\nexec "%s" "$@"\n' \
    "$(cd "$(dirname "$E")" && pwd)/$(basename "$E")" >"$T/wrap"
  chmod +x "$T/wrap"
  fails 1 EDGESIM="$T/wrap" "POLICIES=random weighted"
  grep -q boom "$T/e" || { echo "the failing run's message is lost:"; cat "$T/e"; exit 1; } ;;
slurm)
  i=0
  while [ $i -lt 15 ]; do
    SLURM_ARRAY_TASK_ID=$i EDGESIM=$E OUT=$T/out bash scenarios/sweeps/slurm_sweep.sbatch
    i=$((i + 1))
  done
  sh scenarios/sweeps/slurm_merge.sh "$T/out" >"$T/m"
  "$E" sweep $S --vary limiter.window_s=10,30,60,120,300 \
    --vary dispatch.policy=random,weighted,load_aware >"$T/s"
  cmp "$T/m" "$T/s" || { diff "$T/m" "$T/s"; exit 1; }
  for gone in 000007 000014; do # a row in the middle, the last row
    mv "$T/out/row-$gone.csv" "$T/kept"
    if sh scenarios/sweeps/slurm_merge.sh "$T/out" >"$T/m" 2>/dev/null || [ -s "$T/m" ]; then
      echo "merge accepted a missing row ($gone)"; exit 1
    fi
    mv "$T/kept" "$T/out/row-$gone.csv"
  done ;;
*) echo "usage: $0 parallel|slurm EDGESIM" >&2; exit 2 ;;
esac
echo ok
