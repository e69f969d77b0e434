#!/bin/sh
# input_limits.sh EDGESIM: reading time at the input size limit (16 MiB,
# IFILE_MAX_BYTES). Writes scenarios just under the limit in a temporary
# folder (many device entries with inline numbers; many entries naming one
# profile; half as many, to show the time is linear) and times
# `edgesim --validate` on each (best of 3, wall seconds). Not a test: the
# readers are linear (no indexed access in loops, names checked by sorting,
# a profile read once per run of entries naming it); this shows it.
set -eu
edgesim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen() { # gen FILE N PROFILE(0|1)
  awk -v n="$2" -v prof="$3" 'BEGIN {
    printf "{\"duration_s\": 3600, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 1, \"tokens\": 100}, \"devices\": ["
    for (i = 0; i < n; i++) {
      if (prof) printf "%s{\"name\": \"d%d\", \"profile\": \"orin_agx\", \"lm\": \"qwen2.5-7b\", \"token_capacity\": 1000, \"max_parallel\": 2}", i ? ", " : "", i
      else printf "%s{\"name\": \"d%d\", \"token_capacity\": 1000, \"max_parallel\": 2, \"tgs\": 10, \"ttft_s\": 0.1, \"power_active_w\": 10, \"power_idle_w\": 1}", i ? ", " : "", i
    }
    printf "], \"limiter\": {\"window_s\": 60}, \"dispatch\": {\"policy\": \"random\"}}\n" }' > "$1"
}
best() { # best FILE: least wall time of 3 --validate runs
  b=
  for _ in 1 2 3; do
    s=$(date +%s.%N); "$edgesim" --validate "$1" > /dev/null 2>&1; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ] && b=$t
  done
  echo "$b"
}
printf '%-34s %10s %9s %8s\n' case entries MB seconds
for c in "inline 64000 0" "inline 128000 0" "profile 75000 1" "profile 150000 1"; do
  set -- $c
  f=$tmp/$1_$2.json
  gen "$f" "$2" "$3"
  printf '%-34s %10s %9.2f %8.2f\n' "$1" "$2" "$(echo "$(wc -c < "$f") / 1048576" | bc -l)" "$(best "$f")"
done
