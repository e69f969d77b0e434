#!/bin/sh
# CLI checks for replications, compare and sweep (run by ctest from the
# source tree): --jobs does not change a byte of output; a sweep's rows are
# the single runs' rows; one replication is the plain run; bad options exit
# 2 with one line on stderr.
# usage: cli_repl.sh EDGESIM
set -eu
E=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=scenarios/bursty_random.json
fail() { echo "FAIL: $*" >&2; exit 1; }

# --jobs 1 and --jobs 2 (and 3) are byte-identical in every format
for f in text json csv; do
  for j in 1 2 3; do
    "$E" --replications 16 --jobs $j --format $f $S >"$T/out.$j"
  done
  cmp -s "$T/out.1" "$T/out.2" || fail "--format $f: --jobs 1 and 2 differ"
  cmp -s "$T/out.1" "$T/out.3" || fail "--format $f: --jobs 1 and 3 differ"
done
for j in 1 2; do
  "$E" --replications 8 --jobs $j --format csv --summary $S >"$T/sum.$j"
  "$E" compare $S --set-a dispatch.policy=random --set-b dispatch.policy=load_aware \
    --replications 8 --jobs $j --format json >"$T/cmp.$j"
  "$E" sweep $S --vary limiter.window_s=30,60 --vary dispatch.policy=random,load_aware \
    --replications 3 --jobs $j >"$T/swp.$j"
done
for k in sum cmp swp; do cmp -s "$T/$k.1" "$T/$k.2" || fail "$k: --jobs 1 and 2 differ"; done

# one replication is exactly the plain single run
for f in text json csv; do
  "$E" --format $f $S >"$T/plain"
  "$E" --format $f --replications 1 --jobs 2 $S >"$T/one"
  cmp -s "$T/plain" "$T/one" || fail "--replications 1 differs from a plain run ($f)"
done

# a replication's seed, as printed, reproduces that replication on its own
"$E" --replications 3 --format csv $S | tail -n +2 >"$T/reps"
for r in 1 2; do
  row=$(sed -n "$((r + 1))p" "$T/reps")
  seed=$(echo "$row" | cut -d, -f4)
  [ $r != 1 ] || [ ${#seed} -ge 17 ] || fail "replication 1's seed is above 2^53 with seed 1, got '$seed'"
  [ "$("$E" --seed "$seed" --format csv --no-header $S)" = "$(echo "$row" | cut -d, -f2-)" ] ||
    fail "--seed of replication $r does not reproduce it"
done

# JSON shape: replications, runs, summary with {mean,std,ci95,min,max}
"$E" --replications 3 --format json $S >"$T/j"
grep -q '^  "replications": 3,$' "$T/j" || fail "json: replications"
[ "$(grep -c '^    {$' "$T/j")" = 3 ] || fail "json: three run objects"
grep -q '"redirected": {"mean": ' "$T/j" || fail "json: summary leaves"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert list(d) == ["replications","runs","summary"] and len(d["runs"]) == 3
assert set(d["summary"]["cost"]["cloud_usd"]) == {"mean","std","ci95","min","max"}
assert d["runs"][0]["seed"] == 1' "$T/j" || fail "json: not the documented shape"
fi

# sweep rows equal the corresponding single runs (1 replication and 3)
M=requests.redirected,cost.cloud_usd,utilization.cv,devices.2.served
"$E" sweep $S --vary limiter.window_s=30,120 --vary dispatch.policy=random,weighted,load_aware \
  --metrics $M >"$T/sweep1"
"$E" sweep $S --vary limiter.window_s=30,120 --vary dispatch.policy=random,weighted,load_aware \
  --metrics $M --replications 3 --no-header >"$T/sweep3"
printf 'limiter.window_s,dispatch.policy,' >"$T/want1"
"$E" --format csv --metrics $M $S | head -n 1 >>"$T/want1"
: >"$T/want3"
for w in 30 120; do
  for p in random weighted load_aware; do
    printf '%s,%s,' $w $p >>"$T/want1"
    "$E" --set limiter.window_s=$w --set dispatch.policy=$p --format csv --no-header \
      --metrics $M $S >>"$T/want1"
    printf '%s,%s,' $w $p >>"$T/want3"
    "$E" --set limiter.window_s=$w --set dispatch.policy=$p --format csv --no-header \
      --metrics $M --replications 3 --summary $S >>"$T/want3"
  done
done
cmp -s "$T/sweep1" "$T/want1" || { diff "$T/sweep1" "$T/want1" >&2; fail "sweep rows != single runs"; }
cmp -s "$T/sweep3" "$T/want3" || { diff "$T/sweep3" "$T/want3" >&2; fail "sweep summaries != single summaries"; }
[ "$(wc -l <"$T/sweep1")" = 7 ] || fail "sweep: header + 6 rows"

# bad options: exit 2, exactly one line on stderr, nothing on stdout
bad() {
  set +e
  "$E" "$@" >"$T/o" 2>"$T/e"
  rc=$?
  set -e
  [ $rc = 2 ] || fail "exit $rc, not 2: $*"
  [ "$(wc -l <"$T/e")" = 1 ] || fail "stderr not one line: $*"
  [ ! -s "$T/o" ] || fail "stdout not empty: $*"
}
bad --replications 0 $S
bad --replications x $S
bad --jobs 0 $S
bad --metrics requests.nope --format csv $S
bad --metrics devices.7.served --format csv $S
bad --summary --format csv $S # one replication has no confidence interval
bad --summary $S
bad --summary --replications 3 $S
bad --replications 2 --timeseries "$T/ts" $S
bad compare $S --set-a dispatch.policy=random --replications 1
bad compare $S
bad compare $S --set-b dispatch.policy=nope
bad compare $S --vary limiter.window_s=1,2
bad sweep $S
bad sweep $S --vary limiter.window_s
bad sweep $S --vary limiter.window_s=10,,20
bad sweep $S --vary dispatch.policy=random,nope
grep -q 'dispatch.policy=nope' "$T/e" || fail "sweep error does not name the point"
bad sweep $S --vary limiter.window_s=10 --format json
bad --vary limiter.window_s=10 $S

# Leading columns of any length, exact (they were built in an 8 KB buffer
# and cut without notice): eleven values of about 950 bytes each, one with a
# comma and a quote (quoted, the quote doubled).
Z=$(printf '%0940d' 0)
set -- limiter.window_s=60.$Z duration_s=3600.$Z workload.step_s=60.$Z workload.p_active=0.3$Z \
  workload.burst.every_s=600.$Z workload.burst.length_s=120.$Z workload.burst.p_active=0.9$Z \
  cloud.rtt_s=0.05$Z cloud.ttft_s=0.71$Z cloud.tgs=50.$Z energy.price_usd_per_kwh=0.25$Z
want_names="" want_values=""
for v in "$@"; do
  want_names="$want_names${want_names:+,}${v%%=*}"
  want_values="$want_values${want_values:+,}${v#*=}"
done
args=""
for v in "$@"; do args="$args --vary $v"; done
"$E" sweep $S $args --vary 'dispatch.policy="random"' --metrics requests.redirected >"$T/long"
[ "$(sed -n 1p "$T/long")" = "$want_names,dispatch.policy,scenario,policy,seed,requests.redirected" ] ||
  fail "long sweep header cut"
case "$(sed -n 2p "$T/long")" in
  "$want_values,\"\"\"random\"\"\",bursty_random,random,1,"*) ;;
  *) fail "long sweep values cut" ;;
esac
[ ${#want_values} -gt 10000 ] || fail "the long values are not long"

echo ok
