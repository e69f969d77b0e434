#!/bin/sh
# parallel_sweep.sh: the sweep `edgesim sweep SCENARIO --vary limiter.window_s=$WINDOWS
# --vary dispatch.policy=$POLICIES` as independent single runs under GNU parallel.
# Output (stdout) is byte-identical to that command's: one header, then one row
# per point in the same order (parallel -k keeps input order), the varied values
# as leading columns. Like `edgesim sweep`, it is all or nothing: every point
# is validated first, the rows are collected in a temporary folder, and stdout
# gets them only when every point ran; otherwise stdout stays empty and stderr
# has one line. Exit status as edgesim's: 0 success, 1 runtime failure (a run
# failed, stdout cannot be written, parallel missing), 2 invalid input (a bad
# point, option or environment variable).
#
# usage: scenarios/sweeps/parallel_sweep.sh SCENARIO.json > sweep.csv
# environment (all optional):
#   EDGESIM       the binary (default: edgesim on PATH)
#   WINDOWS       window lengths, space-separated (default: 10 30 60 120 300)
#   POLICIES      dispatch policies (default: random weighted load_aware)
#   REPLICATIONS  per point, a whole number >= 1; > 1 prints the --summary row (default: 1)
#   METRICS       --metrics list (default: every scalar metric)
#   JOBS          parallel jobs per machine (default: 100%, one per core)
#   SSHLOGIN      e.g. "8/node1,8/node2,:" to spread over machines with
#                 `parallel --sshlogin`; edgesim and the scenario (with its
#                 models/) must exist at the same paths on every machine (a
#                 shared file system). Remote jobs start in the login
#                 directory, so each job first changes to this directory.
set -u
ME=parallel_sweep.sh
bad() { echo "$ME: $*" >&2; exit 2; }
[ $# -eq 1 ] || bad "usage: $0 SCENARIO.json"
SCENARIO=$1
EDGESIM=${EDGESIM:-edgesim}
WINDOWS=${WINDOWS:-10 30 60 120 300}
POLICIES=${POLICIES:-random weighted load_aware}
REPLICATIONS=${REPLICATIONS:-1}
JOBS=${JOBS:-100%}
case $REPLICATIONS in
  '' | *[!0-9]* | 0 | 0*) bad "REPLICATIONS: must be a whole number >= 1 (no sign, no leading zero), got '$REPLICATIONS'" ;;
esac
case $JOBS in
  '' | *[!0-9%]* | *%*%*) bad "JOBS: must be a number of jobs or a percentage of the cores (4, 100%), got '$JOBS'" ;;
esac
# shellcheck disable=SC2086
set -- $WINDOWS
[ $# -gt 0 ] || bad "WINDOWS: empty"
# shellcheck disable=SC2086
set -- $POLICIES
[ $# -gt 0 ] || bad "POLICIES: empty"
command -v parallel >/dev/null 2>&1 || { echo "$ME: GNU parallel is not installed" >&2; exit 1; }

T=$(mktemp -d) || { echo "$ME: cannot create a temporary folder" >&2; exit 1; }
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

set -- --format csv --no-header --jobs 1
[ -n "${METRICS:-}" ] && set -- "$@" --metrics "$METRICS"
[ "$REPLICATIONS" -gt 1 ] && set -- "$@" --replications "$REPLICATIONS" --summary
# The options travel to the jobs as one line each (none holds a newline:
# METRICS with one would be refused by edgesim below as an unknown metric).
printf '%s\n' "$@" >"$T/opts"

# Every point is valid before the first runs, as in `edgesim sweep`: the
# same one line (naming the point) and status.
for w in $WINDOWS; do
  for p in $POLICIES; do
    "$EDGESIM" --validate --set "limiter.window_s=$w" --set "dispatch.policy=$p" "$@" "$SCENARIO" \
      >/dev/null 2>"$T/err"
    rc=$?
    if [ $rc -ne 0 ]; then
      echo "edgesim sweep: point limiter.window_s=$w dispatch.policy=$p: $(head -n 1 "$T/err")" >&2
      [ $rc -eq 2 ] && exit 2
      exit 1
    fi
  done
done

# The header: the varied keys, then the single-run (or summary) header.
shift 3 # --format csv --no-header: the header comes from a run with it
{ printf 'limiter.window_s,dispatch.policy,' && "$EDGESIM" --format csv "$@" "$SCENARIO"; } \
  >"$T/run" 2>"$T/err" || { echo "$ME: $(head -n 1 "$T/err")" >&2; exit 1; }
head -n 1 "$T/run" >"$T/out"

# One job per point; the last ::: varies fastest, as the last --vary does.
# Values reach the job as arguments ($1, $2) and through the environment,
# never as shell text (-q quotes every word), so any scenario path works.
# Each job's stderr goes to a file of its own (by job number), so the
# failing run's message is found whatever GNU parallel prints around it.
mkdir "$T/errs" || exit 1
export PS_EDGESIM="$EDGESIM" PS_SCENARIO="$SCENARIO" PS_DIR="$PWD" PS_OPTS="$T/opts" PS_ERRS="$T/errs"
JOB='cd "$PS_DIR" || exit 1; set --; while IFS= read -r o; do set -- "$@" "$o"; done <"$PS_OPTS"
printf "%s,%s," "$W" "$P" && exec "$PS_EDGESIM" --set "limiter.window_s=$W" --set "dispatch.policy=$P" "$@" "$PS_SCENARIO" 2>"$PS_ERRS/$N"'
# shellcheck disable=SC2086
parallel --will-cite -q -k --halt soon,fail=1 --jobs "$JOBS" ${SSHLOGIN:+--sshlogin "$SSHLOGIN"} \
  --env PS_EDGESIM --env PS_SCENARIO --env PS_DIR --env PS_OPTS --env PS_ERRS \
  sh -c 'W=$1 P=$2 N=$3; '"$JOB" sh {1} {2} {#} ::: $WINDOWS ::: $POLICIES >>"$T/out" 2>"$T/err"
rc=$?
if [ $rc -ne 0 ]; then
  msg=
  for f in $(ls "$T/errs" | sort -n); do # the first job that said something
    [ -s "$T/errs/$f" ] && { msg=$(head -n 1 "$T/errs/$f"); break; }
  done
  [ -n "$msg" ] || msg=$(grep -v '^parallel: ' "$T/err" | head -n 1)
  echo "$ME: ${msg:-GNU parallel failed (exit $rc)}" >&2
  [ $rc -eq 2 ] && exit 2
  exit 1
fi
cat "$T/out" || { echo "$ME: writing results to stdout failed" >&2; exit 1; }
