#!/bin/sh
# events.sh EDGESIM SRCDIR: the --events log of every tests/events/NAME.json
# is exactly NAME.expected (like jq's tests: program, input, expected
# output). Each expected file was computed by hand first and checked line by
# line against the model's rules (README, "The model"); the header comment
# of the scenario says what it exercises. Also: the results printed after
# the log's blank line are those of the same run without --events (csv),
# and --events writes nothing on stderr.
set -u
edgesim=$1
cd "$2" || exit 1
export EDGESIM_MODELS=models
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0 n=0
for want in tests/events/*.expected; do
  name=$(basename "$want" .expected)
  sc=tests/events/$name.json
  n=$((n + 1))
  if ! "$edgesim" --events --format csv "$sc" >"$T/out" 2>"$T/err"; then
    echo "FAIL $name: exit status $?"; cat "$T/err"; fail=1; continue
  fi
  [ -s "$T/err" ] && { echo "FAIL $name: stderr is not empty"; cat "$T/err"; fail=1; }
  sed '/^$/,$d' "$T/out" >"$T/log"
  if ! cmp -s "$want" "$T/log"; then
    echo "FAIL $name: the event log differs from $want"
    diff "$want" "$T/log" | head -20
    fail=1
  fi
  sed '1,/^$/d' "$T/out" >"$T/results"
  "$edgesim" --format csv "$sc" >"$T/plain"
  cmp -s "$T/plain" "$T/results" || { echo "FAIL $name: results after the log differ"; fail=1; }
done
[ $n -gt 0 ] || { echo "FAIL: no cases"; exit 1; }
[ $fail -eq 0 ] && echo "events: $n logs as expected"
exit $fail
