#!/bin/sh
# output_safety.sh EDGESIM SRCDIR: output files appear whole or not at all.
#  - a successful run writes --timeseries FILE and leaves no temporary file;
#  - disk full (/dev/full): exit 1, a message, no file left behind;
#  - SIGTERM / SIGINT during a long run: no partial file, an existing FILE
#    keeps its old content, no temporary file left;
#  - a run that fails on its input leaves an existing FILE untouched.
set -u
edgesim=$1
cd "$2" || exit 1
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check DESCRIPTION CONDITION...
  d=$1; shift
  if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fails=$((fails + 1)); fi
}
no_temps() { [ -z "$(ls -A "$T" | grep '^\.')" ]; }
has_temps() { ! no_temps; }
S=scenarios/bursty_loadaware.json

# Success: the file is complete (header + one row per 60 s step).
"$edgesim" --timeseries "$T/ts.tsv" $S > /dev/null 2> "$T/err"
check "successful run exits 0" [ $? -eq 0 ]
check "successful run writes 61 lines" [ "$(wc -l < "$T/ts.tsv")" -eq 61 ]
check "successful run leaves no temporary file" no_temps

# Disk full.
"$edgesim" --timeseries /dev/full $S > "$T/out" 2> "$T/err"
rc=$?
check "/dev/full: exit status 1" [ $rc -eq 1 ]
check "/dev/full: one-line message" [ "$(cat "$T/err")" = "/dev/full: write failed: No space left on device" ]
check "/dev/full: no results on stdout" [ ! -s "$T/out" ]
check "/dev/full: /dev/full is still a device" [ -c /dev/full ]

# Results to a full disk: stdout is checked too.
"$edgesim" --format json $S > /dev/full 2> "$T/err"
check "stdout on /dev/full: exit status 1" [ $? -eq 1 ]
check "stdout on /dev/full: one-line message" [ "$(cat "$T/err")" = "edgesim: writing results to stdout failed" ]

# Results that cannot be printed: the time series is not put in place either.
echo "old content" > "$T/keep.tsv"
"$edgesim" --timeseries "$T/keep.tsv" $S > /dev/full 2> "$T/err"
check "stdout on /dev/full with a time series: exit status 1" [ $? -eq 1 ]
check "stdout on /dev/full with a time series: existing file untouched" [ "$(cat "$T/keep.tsv")" = "old content" ]
check "stdout on /dev/full with a time series: no temporary file" no_temps

# A symbolic link stays a link; the file it names gets the series.
ln -s keep.tsv "$T/link.tsv"
"$edgesim" --timeseries "$T/link.tsv" $S > /dev/null 2>&1
check "symlink target: still a link" [ -L "$T/link.tsv" ]
check "symlink target: the file it names is written" [ "$(wc -l < "$T/keep.tsv")" -eq 61 ]
rm -f "$T/link.tsv"
echo "old content" > "$T/keep.tsv"

# A failed run leaves an existing file untouched.
echo "old content" > "$T/keep.tsv"
"$edgesim" --timeseries "$T/keep.tsv" --set duration_s=-1 $S > /dev/null 2>&1
check "invalid input: exit status 2" [ $? -eq 2 ]
check "invalid input: existing file untouched" [ "$(cat "$T/keep.tsv")" = "old content" ]
check "invalid input: no temporary file" no_temps

# Interrupted runs: a poisson workload long enough never to finish here.
for sig in TERM INT; do
  "$edgesim" --timeseries "$T/keep.tsv" --set 'workload={"kind":"poisson","rate_per_s":100000,"tokens":100}' \
    --set duration_s=100000 $S > /dev/null 2>&1 &
  pid=$!
  i=0 # wait for the temporary file, i.e. the run has started
  while no_temps && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
  check "SIG$sig: the run started (temporary file exists)" has_temps
  kill -$sig $pid
  wait $pid
  rc=$?
  check "SIG$sig: killed by the signal (status $rc)" [ $rc -gt 128 ]
  check "SIG$sig: existing file untouched" [ "$(cat "$T/keep.tsv")" = "old content" ]
  check "SIG$sig: temporary file removed" no_temps
done

[ $fails -eq 0 ] && echo "all output-file checks passed"
[ $fails -eq 0 ]
