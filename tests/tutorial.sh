#!/bin/sh
# tutorial.sh EDGESIM SRCDIR: docs/tutorial.md never goes stale. Its ```sh
# blocks are extracted in order and run as one script (sh -e) in a fresh
# temporary folder laid out like the repository's root (build/sim/edgesim is
# EDGESIM; scenarios, models, plots, exercises and tests are links to the
# source tree, so nothing is written there). It must exit 0, every output
# the blocks name under out/tour/ must exist and be non-empty, and every
# sample --events line quoted in the tutorial (a line starting "t=") must be
# one of the lines the run printed. Skipped (77) without gnuplot or jq,
# which plots/figure4.sh needs.
set -u
edgesim=$1 src=$2
command -v gnuplot >/dev/null || { echo "gnuplot not found"; exit 77; }
command -v jq >/dev/null || { echo "jq not found"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/build/sim" && ln -s "$edgesim" "$T/build/sim/edgesim" || exit 1
for d in scenarios models plots exercises tests; do ln -s "$src/$d" "$T/$d" || exit 1; done
doc=$src/docs/tutorial.md
awk '/^```sh$/ { f = 1; next } /^```/ { f = 0 } f' "$doc" >"$T/tutorial.sh"
blocks=$(grep -c '^```sh$' "$doc")
[ "$blocks" -ge 10 ] || { echo "FAIL: only $blocks sh blocks in $doc"; exit 1; }
(cd "$T" && sh -e ./tutorial.sh) >"$T/log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: the tutorial's commands exited $rc; the end of their output:"
  tail -20 "$T/log"
  exit 1
fi
fail=0 n=0
for f in $(grep -o 'out/tour/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "$T/tutorial.sh" | sort -u); do
  n=$((n + 1))
  [ -s "$T/$f" ] || { echo "FAIL: $f is missing or empty after the tutorial"; fail=1; }
done
grep '^t=' "$doc" >"$T/quoted" || true
while IFS= read -r line; do
  n=$((n + 1))
  grep -qxF -- "$line" "$T/out/tour/events.txt" || { echo "FAIL: not in the --events output: $line"; fail=1; }
done <"$T/quoted"
[ $fail -eq 0 ] && echo "tutorial: $blocks blocks ran, $n outputs and quoted lines checked"
exit $fail
