#!/bin/sh
# exercises.sh EDGESIM SRCDIR NAME: every check of exercises/answers/NAME.json
# against edgesim (format: exercises/README.md, "The answer files"). Each
# check runs, from SRCDIR, `EDGESIM COMMAND... --format json` and compares
# METRIC (a dotted path into the JSON) with `value` ± `tolerance`, `min` or
# `max`; a check with `contains` runs the command as is and looks for that
# text on stdout. Also: the exercise has its question (README.md) and every
# file its commands name exists. Exit 0 pass, 1 fail, 77 without jq.
set -u
edgesim=$1 name=$3
cd "$2" || exit 1
command -v jq >/dev/null || { echo "jq not found"; exit 77; }
export EDGESIM_MODELS=models
A=exercises/answers/$name.json
[ -f "exercises/$name/README.md" ] || { echo "FAIL: exercises/$name/README.md is missing"; exit 1; }
n=$(jq '.checks | length' "$A") || { echo "FAIL: $A is not JSON"; exit 1; }
[ "$n" -gt 0 ] || { echo "FAIL: $A has no checks"; exit 1; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0 k=0
while [ $k -lt "$n" ]; do
  c=$(jq -c ".checks[$k]" "$A")
  what=$(printf '%s' "$c" | jq -r '.what')
  eval "set -- $(printf '%s' "$c" | jq -r '.command | @sh')"
  contains=$(printf '%s' "$c" | jq -r '.contains // empty')
  if [ -n "$contains" ]; then
    if "$edgesim" "$@" >"$T/out" 2>"$T/err" && grep -qF -- "$contains" "$T/out"; then
      echo "ok   $what"
    else
      echo "FAIL $what: stdout of 'edgesim $*' lacks: $contains"; cat "$T/err"; fail=1
    fi
    k=$((k + 1)); continue
  fi
  if ! "$edgesim" "$@" --format json >"$T/out" 2>"$T/err"; then
    echo "FAIL $what: edgesim $* exited $?"; cat "$T/err"; fail=1; k=$((k + 1)); continue
  fi
  metric=$(printf '%s' "$c" | jq -r '.metric')
  got=$(jq -r --arg m "$metric" 'getpath($m | split(".") | map(tonumber? // .)) | tostring' "$T/out")
  verdict=$(printf '%s' "$c" | jq -r --arg got "$got" '
    if ($got == "null") then "no such metric"
    elif (.value | type) == "boolean" then (if ($got == (.value | tostring)) then "ok" else "want \(.value)" end)
    elif has("value") then
      (if ((($got | tonumber) - .value) | fabs) <= .tolerance then "ok"
       else "want \(.value) ± \(.tolerance)" end)
    elif has("min") then (if ($got | tonumber) >= .min then "ok" else "want >= \(.min)" end)
    elif has("max") then (if ($got | tonumber) <= .max then "ok" else "want <= \(.max)" end)
    else "no value, min or max" end')
  if [ "$verdict" = ok ]; then
    echo "ok   $what: $metric = $got"
  else
    echo "FAIL $what: $metric = $got, $verdict (edgesim $*)"; fail=1
  fi
  k=$((k + 1))
done
exit $fail
