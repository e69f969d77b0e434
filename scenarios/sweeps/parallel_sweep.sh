#!/bin/sh
# parallel_sweep.sh: the sweep `edgesim sweep SCENARIO --vary limiter.window_s=$WINDOWS
# --vary dispatch.policy=$POLICIES` as independent single runs under GNU parallel.
# Output (stdout) is byte-identical to that command's: one header, then one row
# per point in the same order (parallel -k keeps input order), the varied values
# as leading columns.
#
# usage: scenarios/sweeps/parallel_sweep.sh SCENARIO.json > sweep.csv
# environment (all optional):
#   EDGESIM       the binary (default: edgesim on PATH)
#   WINDOWS       window lengths, space-separated (default: 10 30 60 120 300)
#   POLICIES      dispatch policies (default: random weighted load_aware)
#   REPLICATIONS  per point; > 1 prints the --summary row (default: 1)
#   METRICS       --metrics list (default: every scalar metric)
#   JOBS          parallel jobs per machine (default: 100%, one per core)
#   SSHLOGIN      e.g. "8/node1,8/node2,:" to spread over machines with
#                 `parallel --sshlogin`; edgesim and the scenario (with its
#                 models/) must exist at the same paths on every machine (a
#                 shared file system). Remote jobs start in the login
#                 directory, so each job first changes to this directory.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 SCENARIO.json" >&2; exit 2; }
SCENARIO=$1
EDGESIM=${EDGESIM:-edgesim}
WINDOWS=${WINDOWS:-10 30 60 120 300}
POLICIES=${POLICIES:-random weighted load_aware}
REPLICATIONS=${REPLICATIONS:-1}
JOBS=${JOBS:-100%}

OPTS="--format csv --no-header --jobs 1"
[ -n "${METRICS:-}" ] && OPTS="$OPTS --metrics $METRICS"
[ "$REPLICATIONS" -gt 1 ] && OPTS="$OPTS --replications $REPLICATIONS --summary"

# The header: the varied keys, then the single-run (or summary) header.
printf 'limiter.window_s,dispatch.policy,'
# shellcheck disable=SC2086
"$EDGESIM" $(echo "$OPTS" | sed 's/--no-header//') "$SCENARIO" | head -n 1

# One job per point; the last ::: varies fastest, as the last --vary does.
# shellcheck disable=SC2086
CD=
[ -z "${SSHLOGIN:-}" ] || CD="cd '$PWD' && "
parallel --will-cite -k --jobs "$JOBS" ${SSHLOGIN:+--sshlogin "$SSHLOGIN"} \
  "${CD}printf '%s,%s,' {1} {2} && $EDGESIM --set limiter.window_s={1} --set dispatch.policy={2} $OPTS $SCENARIO" \
  ::: $WINDOWS ::: $POLICIES
