#!/bin/sh
# man_pages.sh EDGESIM CALIBRATE SRCDIR: docs/edgesim.1 names every option
# `edgesim --help` lists, every key of its scenario key table and every
# metric of the CSV header; docs/edgesim-calibrate.1 every option of
# `edgesim-calibrate --help`. A key, metric or option added later fails here
# until it is documented. With man(1) installed, both pages also render
# without warnings.
set -u
sim=$1 cal=$2 src=$3
fail=0
# the page's source, with roff's escaped hyphens and font changes undone
text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(dq/"/g' "$1"; }
need() { # need PAGE WHAT NAME...: each NAME opens a .B, .BR or .BI line (an entry)
  page=$1 what=$2
  shift 2
  entries=$(text "$page" | awk '/^\.B[IR]? / { a = substr($0, index($0, " ") + 1);
    if (substr(a, 1, 1) == "\"") { a = substr(a, 2); sub(/".*/, "", a) } else sub(/ .*/, "", a);
    sub(/ +$/, "", a); print a }')
  for w in "$@"; do
    printf '%s\n' "$entries" | grep -qxF -- "$w" || { echo "$page: $what '$w' is not documented"; fail=1; }
  done
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
"$sim" --help > "$tmp/help" || { echo "edgesim --help failed"; exit 1; }
"$cal" --help > "$tmp/chelp" || { echo "edgesim-calibrate --help failed"; exit 1; }
opts=$(sed -n 's/^  \(--[a-z][a-z0-9-]*\).*/\1/p' "$tmp/help")
"$sim" --keys > "$tmp/keys" || { echo "edgesim --keys failed"; exit 1; }
keys=$(sed 1d "$tmp/keys" | cut -f1)
"$sim" --format csv "$src/scenarios/bursty_loadaware.json" > "$tmp/csv" || { echo "edgesim run failed"; exit 1; }
metrics=$(head -1 "$tmp/csv" | tr ',' '\n')
copts=$(sed -n 's/^  \(--[a-z][a-z0-9-]*\).*/\1/p' "$tmp/chelp")
[ "$(echo "$opts" | wc -w)" -ge 10 ] && [ "$(echo "$keys" | wc -w)" -ge 30 ] &&
  [ "$(echo "$metrics" | wc -w)" -ge 30 ] && [ "$(echo "$copts" | wc -w)" -ge 5 ] ||
  { echo "could not read the tables from --help and the CSV header"; exit 1; }
# shellcheck disable=SC2086
need "$src/docs/edgesim.1" option $opts
# shellcheck disable=SC2086
need "$src/docs/edgesim.1" "scenario key" $keys
# shellcheck disable=SC2086
need "$src/docs/edgesim.1" metric $metrics
# shellcheck disable=SC2086
need "$src/docs/edgesim-calibrate.1" option $copts
# The SCENARIO KEYS entries are generated from the key rows: the committed
# page must be what docs/man_keys.sh makes of today's rows.
cp "$src/docs/edgesim.1" "$tmp/edgesim.1"
sh "$src/docs/man_keys.sh" "$sim" "$tmp/edgesim.1" || fail=1
cmp -s "$src/docs/edgesim.1" "$tmp/edgesim.1" ||
  { echo "docs/edgesim.1: SCENARIO KEYS is stale: run sh docs/man_keys.sh build/sim/edgesim docs/edgesim.1"; fail=1; }
if command -v man > /dev/null; then
  for p in edgesim edgesim-calibrate; do
    MANWIDTH=80 man --warnings -l "$src/docs/$p.1" > "$tmp/out" 2> "$tmp/err"
    if [ $? -ne 0 ] || [ -s "$tmp/err" ] || ! grep -q "^NAME" "$tmp/out"; then
      echo "man -l docs/$p.1:"; cat "$tmp/err"; fail=1
    fi
  done
fi
[ $fail -eq 0 ] && echo "ok: every option, scenario key and metric is in the man pages"
exit $fail
