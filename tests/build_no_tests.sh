#!/bin/sh
# build_no_tests.sh SRCDIR: a build configured with -DEDGESIM_TESTS=OFF needs
# no cmocka (pkg-config is shown only GSL's and cJSON's .pc files), builds
# edgesim and edgesim-calibrate, and installs them. Skipped (77) when
# pkg-config cannot locate GSL or cJSON's .pc files.
set -u
src=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/pc"
for m in gsl libcjson; do
  d=$(pkg-config --variable=pcfiledir "$m" 2> /dev/null) || exit 77
  cp "$d/$m.pc" "$tmp/pc/" || exit 77
done
if PKG_CONFIG_LIBDIR="$tmp/pc" pkg-config --exists cmocka; then
  echo "cmocka still visible to pkg-config"; exit 1
fi
PKG_CONFIG_LIBDIR="$tmp/pc" cmake -S "$src" -B "$tmp/b" -DEDGESIM_TESTS=OFF > "$tmp/log" 2>&1 ||
  { cat "$tmp/log"; echo "configure without cmocka failed"; exit 1; }
cmake --build "$tmp/b" -j2 > "$tmp/log" 2>&1 || { tail -30 "$tmp/log"; echo "build failed"; exit 1; }
cmake --install "$tmp/b" --prefix "$tmp/p" > "$tmp/log" 2>&1 ||
  { cat "$tmp/log"; echo "install failed"; exit 1; }
for b in edgesim edgesim-calibrate; do
  [ -x "$tmp/p/bin/$b" ] || { echo "$b not installed"; exit 1; }
  "$tmp/p/bin/$b" --help > /dev/null || { echo "$b --help failed"; exit 1; }
done
[ ! -e "$tmp/b/tests" ] || { echo "tests/ configured although EDGESIM_TESTS=OFF"; exit 1; }
echo "ok: built and installed without cmocka"
