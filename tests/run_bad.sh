#!/bin/sh
# run_bad.sh EDGESIM SRCDIR NAME: one bad-input case of tests/bad/ (like jq's
# %%FAIL tests). Runs, from SRCDIR,
#   EDGESIM [lines of NAME.args] [tests/bad/NAME.json if it exists]
# and compares with NAME.expect: line 1 the exit status, line 2 the exact
# first line of stderr ("@ROWS@" matches a list of kind names). Also checks that stderr is that one line and stdout
# is empty (no partial output). NAME.sh, if present, is run first with $TMP
# set to a fresh directory to create fixtures (exit 77: skip the case);
# "@TMP@" in NAME.args and NAME.expect stands for that directory.
# $EDGESIM_WRAP, if set, prefixes the command (CI: valgrind with
# --error-exitcode, so a leak or memory error fails the case).
# Exit: 0 pass, 1 fail, 77 skipped.
set -u
edgesim=$1 src=$2 name=$3 wrap=${EDGESIM_WRAP:-}
cd "$src" || exit 1
dir=tests/bad
TMP=$(mktemp -d) || exit 1
export TMP
trap 'chmod -R u+rwx "$TMP"; rm -rf "$TMP"' EXIT
export EDGESIM_MODELS=models

if [ -f "$dir/$name.sh" ]; then
  sh "$dir/$name.sh"
  rc=$?
  [ $rc -eq 77 ] && { echo "skipped by $name.sh"; exit 77; }
  [ $rc -eq 0 ] || { echo "FAIL $name: $name.sh failed ($rc)"; exit 1; }
fi

set --
if [ -f "$dir/$name.args" ]; then
  while IFS= read -r a || [ -n "$a" ]; do
    set -- "$@" "$(printf '%s' "$a" | sed "s|@TMP@|$TMP|g")"
  done < "$dir/$name.args"
fi
[ -f "$dir/$name.json" ] && set -- "$@" "$dir/$name.json"

want_rc=$(sed -n 1p "$dir/$name.expect")
want_err=$(sed -n 2p "$dir/$name.expect" | sed "s|@TMP@|$TMP|g")
$wrap "$edgesim" "$@" > "$TMP/stdout" 2> "$TMP/stderr" < /dev/null
got_rc=$?
got_err=$(sed -n 1p "$TMP/stderr")
lines=$(wc -l < "$TMP/stderr")
out=$(wc -c < "$TMP/stdout")

ok=1
[ "$got_rc" = "$want_rc" ] || { echo "exit status: want $want_rc, got $got_rc"; ok=0; }
# "@ROWS@" in the expected line stands for the list of a registry's names
# ("must be one of @ROWS@, got ..."), so adding a kind changes no case.
pattern=$(printf '%s' "$want_err" | sed 's/[][*?\\]/\\&/g; s/@ROWS@/"*"/g')
# shellcheck disable=SC2254 # $pattern is a glob on purpose
case "$got_err" in
  $pattern) ;;
  *) printf 'stderr:\n  want: %s\n  got:  %s\n' "$want_err" "$got_err"; ok=0 ;;
esac
[ "$lines" -eq 1 ] || { echo "stderr has $lines lines, want exactly 1:"; cat "$TMP/stderr"; ok=0; }
[ "$out" -eq 0 ] || { echo "stdout is not empty ($out bytes)"; ok=0; }
[ $ok -eq 1 ] && { echo "ok $name: $got_err"; exit 0; }
echo "FAIL $name: edgesim $*"
exit 1
