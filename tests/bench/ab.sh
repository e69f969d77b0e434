#!/bin/sh
# ab.sh OLD NEW [ROUNDS]: the same runs with two edgesim binaries, side by
# side, for "new/old time" figures on a shared, noisy machine. Each case runs
# OLD then NEW, ROUNDS times (default 5), interleaved so that both see the
# same load; the best (least) user+system CPU time of each is kept, and the
# ratio NEW/OLD printed (below 1: NEW is faster). Cases: the four Figure-4
# scenarios (2,000 replications, one job, so a run takes long enough to time)
# and the three scale scenarios cut to 1,800 s (the day: 20,000 s). Run from
# the source tree. Outputs are compared too: a case whose outputs differ is
# marked, since a speed ratio between different computations means little.
set -eu
old=$1 new=$2 rounds=${3:-5}
export EDGESIM_MODELS=models # binaries built elsewhere find their profiles here
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu() { # cpu BIN ARGS...: user+sys seconds of one run, output to $tmp/out
  /usr/bin/time -f '%U %S' -o "$tmp/t" "$@" > "$tmp/out" 2> /dev/null
  awk '{ print $1 + $2 }' "$tmp/t"
}
run_case() { # run_case NAME ARGS...
  name=$1
  shift
  bo=; bn=
  for _ in $(seq "$rounds"); do
    t=$(cpu "$old" "$@"); cp "$tmp/out" "$tmp/o.old"
    [ -z "$bo" ] || [ "$(echo "$t < $bo" | bc)" = 1 ] && bo=$t
    t=$(cpu "$new" "$@"); cp "$tmp/out" "$tmp/o.new"
    [ -z "$bn" ] || [ "$(echo "$t < $bn" | bc)" = 1 ] && bn=$t
  done
  same=same; cmp -s "$tmp/o.old" "$tmp/o.new" || same=differ
  printf '%-44s %8.3f %8.3f %7.3f  outputs %s\n' "$name" "$bo" "$bn" \
    "$(echo "scale=4; $bn / $bo" | bc)" "$same"
}
printf '%-44s %8s %8s %7s\n' case old_s new_s new/old
for f in steady_random steady_weighted bursty_random bursty_loadaware; do
  run_case "$f x2000" --replications 2000 --jobs 1 --format csv scenarios/$f.json
done
for f in poisson_1m_users_2000rps_1k_devices poisson_1m_users_2000rps_10k_devices; do
  for p in random weighted load_aware; do
    run_case "$f $p" --format csv --set duration_s=1800 --set dispatch.policy=$p \
      scenarios/scale/$f.json
  done
done
run_case "steps_1m_users_bursty_day_1k_devices 20000 s" --format csv --set duration_s=20000 \
  scenarios/scale/steps_1m_users_bursty_day_1k_devices.json
