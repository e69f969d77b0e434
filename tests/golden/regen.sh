#!/bin/sh
# regen.sh EDGESIM: rewrites tests/golden/ from EDGESIM's output. Run from the
# source tree, only in a commit of its own that says why outputs changed on
# purpose (README "Golden outputs"); tests/golden.sh checks them.
set -eu
edgesim=$1
cd "$(dirname "$0")/../.."
. tests/golden/cases.sh
golden_cases | while read -r name seed file sets; do
  # shellcheck disable=SC2086 # $sets is a list of --set options
  EDGESIM_MODELS=models "$edgesim" --format json --seed "$seed" $sets "$file" \
    > "tests/golden/$name.s$seed.json"
done
