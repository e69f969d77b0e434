#!/bin/sh
# scenarios_valid.sh EDGESIM SRCDIR: every shipped scenario (scenarios/,
# scenarios/examples/, scenarios/scale/) passes --validate (table1.json,
# the paper's Table I, is `edgesim metrics` input), and every example runs
# to a JSON result with requests: the examples the README quotes stay
# loadable as keys change.
set -u
ES=$1
cd "$2" || exit 1
export EDGESIM_MODELS=models
pass=0 failed=0
if "$ES" metrics scenarios/table1.json >/dev/null 2>&1; then pass=$((pass + 1)); else
  failed=$((failed + 1)); echo "FAIL: edgesim metrics scenarios/table1.json"
fi
for f in scenarios/*.json scenarios/examples/*.json scenarios/scale/*.json; do
  [ "$f" = scenarios/table1.json ] && continue
  if "$ES" --validate "$f" >/dev/null 2>&1; then pass=$((pass + 1)); else
    failed=$((failed + 1)); echo "FAIL: $f does not validate:"; "$ES" --validate "$f"
  fi
done
for f in scenarios/examples/*.json; do
  if "$ES" --format json "$f" 2>/dev/null | jq -e '.requests.generated > 0' >/dev/null; then
    pass=$((pass + 1))
  else
    failed=$((failed + 1)); echo "FAIL: $f does not run to a JSON result with requests"
  fi
done
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
