#!/bin/sh
# regen_bad.sh EDGESIM [NAME...]: rewrites NAME.expect from what EDGESIM does now
# (all cases without names). Review every changed line before committing:
# the .expect files are the specification.
set -u
edgesim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- $(ls tests/bad | sed -n 's/\.\(json\|args\|sh\)$//p' | sort -u)
for name; do
  T=$(mktemp -d)
  if [ -f "tests/bad/$name.sh" ]; then TMP=$T sh "tests/bad/$name.sh" || { echo "skip $name"; rm -rf "$T"; continue; }; fi
  set --
  [ -f "tests/bad/$name.args" ] && while IFS= read -r a || [ -n "$a" ]; do
    set -- "$@" "$(printf '%s' "$a" | sed "s|@TMP@|$T|g")"; done < "tests/bad/$name.args"
  [ -f "tests/bad/$name.json" ] && set -- "$@" "tests/bad/$name.json"
  EDGESIM_MODELS=models "$edgesim" "$@" > /dev/null 2> "$T/err" < /dev/null
  printf '%s\n%s\n' $? "$(sed -n 1p "$T/err" | sed "s|$T|@TMP@|g")" > "tests/bad/$name.expect"
  chmod -R u+rwx "$T"; rm -rf "$T"
done
