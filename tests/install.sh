#!/bin/sh
# install.sh BUILDDIR SRCDIR: `cmake --install` into a temporary prefix, then
# use only the installed tree, from another working directory with
# EDGESIM_MODELS and EDGESIM_ROOT unset: run an installed scenario; run a
# scenario outside the tree whose profile exists only in the installed
# share/edgesim/models (so it cannot have come from the source tree); run the
# installed edgesim-calibrate on the installed shapes; read both man pages with
# man -l. Exit 77 (skip) when man(1) is missing, after everything else passed.
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
die() { echo "install: $*"; exit 1; }
cmake --install "$build" --prefix "$tmp/p" > "$tmp/log" 2>&1 || { cat "$tmp/log"; die "cmake --install failed"; }
P=$tmp/p S=$tmp/p/share/edgesim
for f in bin/edgesim bin/edgesim-calibrate share/man/man1/edgesim.1 share/man/man1/edgesim-calibrate.1 \
  share/edgesim/models/profiles/orin_agx.json share/edgesim/models/lm/qwen2.5-7b.json \
  share/edgesim/models/devices/orin_nano.json share/edgesim/scenarios/bursty_loadaware.json \
  share/edgesim/scenarios/data share/edgesim/plots/figure4.sh share/edgesim/plots/figure4.gp \
  share/edgesim/docs/references.md share/edgesim/docs/README.md share/edgesim/docs/calibration.md; do
  [ -e "$P/$f" ] || die "$f not installed"
done
[ -x "$S/plots/figure4.sh" ] || die "plots/figure4.sh not executable"
unset EDGESIM_MODELS EDGESIM_ROOT
mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere" || exit 1
# 1. an installed scenario, byte-identical to the source tree's run
"$P/bin/edgesim" --format csv "$S/scenarios/bursty_loadaware.json" > inst.csv || die "installed scenario failed"
"$build/sim/edgesim" --format csv "$src/scenarios/bursty_loadaware.json" > src.csv || die "source scenario failed"
cmp -s inst.csv src.csv || die "installed and source-tree runs differ"
# 2. a profile only the installed tree has, from a scenario with no models/ beside it
sed 's/"orin_agx"/"install_only"/' "$S/models/profiles/orin_agx.json" > "$S/models/profiles/install_only.json"
sed 's/"orin_agx"/"install_only"/g' "$S/scenarios/bursty_loadaware.json" > s.json
grep -q install_only s.json || die "could not make the test scenario"
[ ! -e "$src/models/profiles/install_only.json" ] || die "the source tree has install_only.json"
"$P/bin/edgesim" --format csv s.json > only.csv 2> err || { cat err; die "the installed profiles were not found"; }
[ "$(cut -d, -f2- only.csv)" = "$(cut -d, -f2- inst.csv)" ] ||
  die "install_only (a copy of orin_agx) gave other results"
# 3. the installed calibration tool reads the installed shapes and devices
"$P/bin/edgesim-calibrate" --lm tiny --quick --layers 1 --out "$tmp/prof" > cal.log 2>&1 ||
  { cat cal.log; die "installed edgesim-calibrate failed"; }
[ -s "$tmp/prof/orin_agx.json" ] || die "edgesim-calibrate wrote no profile"
"$P/bin/edgesim-calibrate" --tsv "$S/models/profiles" | grep -q "^orin_nano	qwen2.5-7b	" ||
  die "edgesim-calibrate --tsv on the installed profiles"
# 4. the man pages
command -v man > /dev/null || { echo "man not found: man -l not checked"; exit 77; }
for p in edgesim edgesim-calibrate; do
  MANWIDTH=80 man --warnings -l "$P/share/man/man1/$p.1" > page 2> err || die "man -l $p.1 failed"
  [ ! -s err ] || { cat err; die "man -l $p.1 warned"; }
  grep -q "^NAME" page || die "man -l $p.1 printed no NAME section"
done
echo "ok: installed into $P and ran from there"
