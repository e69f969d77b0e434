#!/bin/sh
# golden.sh EDGESIM SRCDIR: every golden case (tests/golden/cases.sh) gives
# byte-for-byte the JSON recorded in tests/golden/. A difference fails with
# the first lines of the diff. Outputs that change on purpose are
# regenerated with tests/golden/regen.sh in a commit of their own.
set -u
edgesim=$1
cd "$2" || exit 1
. tests/golden/cases.sh
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
fail=0 n=0
cases=$(golden_cases)
[ -n "$cases" ] || { echo "FAIL: no golden cases"; exit 1; }
while read -r name seed file sets; do
  want="tests/golden/$name.s$seed.json"
  n=$((n + 1))
  if [ ! -f "$want" ]; then
    echo "FAIL $name seed $seed: $want is missing"; fail=1; continue
  fi
  # shellcheck disable=SC2086
  if ! EDGESIM_MODELS=models "$edgesim" --format json --seed "$seed" $sets "$file" > "$tmp"; then
    echo "FAIL $name seed $seed: edgesim exited $?"; fail=1; continue
  fi
  if ! cmp -s "$want" "$tmp"; then
    echo "FAIL $name seed $seed: output differs from $want"
    diff "$want" "$tmp" | head -20
    fail=1
  fi
done <<EOT
$cases
EOT
[ $fail -eq 0 ] && echo "golden: $n cases byte-identical"
exit $fail
