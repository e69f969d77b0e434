#!/bin/sh
# format.sh SRCDIR: every C file in git follows .clang-format (one dialect).
# Skipped (77) without clang-format or outside a git checkout.
cd "$1" || exit 1
command -v clang-format > /dev/null || { echo "clang-format not found"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2> /dev/null) || exit 77
[ -n "$files" ] || exit 77
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
