#!/bin/sh
# output_safety.sh EDGESIM SRCDIR [CALIBRATE]: output files appear whole or
# not at all.
#  - a successful run writes --timeseries FILE and leaves no temporary file;
#  - disk full (/dev/full): exit 1, a message, no file left behind;
#  - SIGTERM / SIGINT during a long run: no partial file, an existing FILE
#    keeps its old content, no temporary file left;
#  - every other default-fatal signal (HUP QUIT PIPE USR1 USR2 ALRM) and a
#    closed pipe on stdout: the same;
#  - a run that fails on its input leaves an existing FILE untouched;
#  - FILE is the same file as stdout: refused (exit 2), stdout untouched;
#  - every command's stdout on a full disk: exit 1 with one line.
set -u
edgesim=$1 calibrate=${3:-}
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
# env --default-signal: sh starts background jobs with SIGINT and SIGQUIT
# ignored, and edgesim leaves an ignored signal ignored (like nohup's HUP).
LONG='workload={"kind":"poisson","rate_per_s":100000,"tokens":100}'
for sn in TERM:15 INT:2 HUP:1 QUIT:3 PIPE:13 USR1:10 USR2:12 ALRM:14; do # Linux numbers
  sig=${sn%:*} num=${sn#*:}
  env --default-signal "$edgesim" --timeseries "$T/keep.tsv" --set "$LONG" \
    --set duration_s=100000 $S > /dev/null 2>&1 &
  pid=$!
  i=0 # wait for the temporary file, i.e. the run has started
  while no_temps && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
  check "SIG$sig: the run started (temporary file exists)" has_temps
  kill -$sig $pid
  wait $pid
  rc=$?
  check "SIG$sig: killed by the signal (status $rc)" [ $rc -eq $((128 + num)) ]
  check "SIG$sig: existing file untouched" [ "$(cat "$T/keep.tsv")" = "old content" ]
  check "SIG$sig: temporary file removed" no_temps
done

# A closed pipe: the results cannot be written (SIGPIPE), the series stays
# out of place. The reader is gone long before the run (6 million requests) ends.
{ env --default-signal "$edgesim" --timeseries "$T/keep.tsv" --set "$LONG" --set duration_s=60 \
  --format json $S 2> /dev/null; echo $? > "$T/rc"; } | true
check "closed pipe: killed by SIGPIPE ($(cat "$T/rc"))" [ "$(cat "$T/rc")" -eq 141 ]
check "closed pipe: existing file untouched" [ "$(cat "$T/keep.tsv")" = "old content" ]
check "closed pipe: temporary file removed" no_temps

# The time series on the results' own file: refused before anything runs.
for target in "$T/same.txt" /dev/stdout; do
  echo "old content" > "$T/same.txt"
  "$edgesim" --timeseries "$target" $S >> "$T/same.txt" 2> "$T/err"
  check "--timeseries $target = stdout: exit 2" [ $? -eq 2 ]
  check "--timeseries $target = stdout: one line" [ "$(cat "$T/err")" = "$target: is the same file as stdout, where the results go; give it another file" ]
  check "--timeseries $target = stdout: the file untouched" [ "$(cat "$T/same.txt")" = "old content" ]
  check "--timeseries $target = stdout: no temporary file" no_temps
done

# Every stdout writer checks its writes: a full disk is exit 1, one line.
full() { # full DESCRIPTION WHO COMMAND...
  d=$1 who=$2; shift 2
  "$@" > /dev/full 2> "$T/err"
  check "$d > /dev/full: exit 1 ($?)" [ $? -eq 1 ]
  check "$d > /dev/full: one line" [ "$(cat "$T/err")" = "$who: writing results to stdout failed" ]
}
full "metrics" "edgesim metrics" "$edgesim" metrics scenarios/table1.json
full "metrics --help" "edgesim metrics" "$edgesim" metrics --help
full "--help" edgesim "$edgesim" --help
full "--version" edgesim "$edgesim" --version
full "replications" edgesim "$edgesim" --replications 3 --format csv $S
full "compare" edgesim "$edgesim" compare $S --set-b dispatch.policy=random --replications 2
full "sweep" edgesim "$edgesim" sweep $S --vary seed=1,2,3
if [ -n "$calibrate" ]; then
  full "calibrate --tsv" edgesim-calibrate "$calibrate" --tsv models/profiles
  full "calibrate --help" edgesim-calibrate "$calibrate" --help
fi

[ $fails -eq 0 ] && echo "all output-file checks passed"
[ $fails -eq 0 ]
