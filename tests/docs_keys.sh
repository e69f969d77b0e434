#!/bin/sh
# docs_keys.sh EDGESIM SRCDIR: README documents every scenario key and every
# kind name the program knows. The list comes from `edgesim --help`, which
# prints the key rows and the registries' rows, so a new key or kind fails
# this test until README's key table has it.
edgesim=$1
cd "$2" || exit 1
help=$("$edgesim" --help) || { echo "FAIL: edgesim --help"; exit 1; }
keys=$(printf '%s\n' "$help" | sed -n '/^scenario keys:/,$p' | awk 'NR > 2 && $1 ~ /^[a-z]/ {print $1}')
kinds=$(printf '%s\n' "$help" | sed -n '/^scenario keys:/,$p' | sed -n 's/^ *"\([a-z0-9_]*\)": .*/\1/p')
[ -n "$keys" ] && [ -n "$kinds" ] || { echo "FAIL: no keys or kinds in --help"; exit 1; }
fail=0 n=0
for k in $keys; do
  n=$((n + 1))
  grep -qF "\`$k\`" README.md || { echo "FAIL: README.md does not document key \`$k\`"; fail=1; }
done
for k in $kinds; do
  n=$((n + 1))
  grep -qF "\`$k\`" README.md || { echo "FAIL: README.md does not document kind \`$k\`"; fail=1; }
done
[ $fail -eq 0 ] && echo "docs_keys: $n keys and kinds documented"
exit $fail
