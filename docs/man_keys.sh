#!/bin/sh
# man_keys.sh EDGESIM [PAGE]: the SCENARIO KEYS entries of edgesim(1),
# generated from the key rows (`edgesim --keys`, the same rows as --help and
# the validation). Without PAGE, prints the roff; with PAGE, rewrites the
# part of PAGE between the lines '.\" BEGIN KEYS' and '.\" END KEYS'
# (tests/man_pages.sh checks the committed page is up to date).
set -eu
edgesim=$1
roff=$("$edgesim" --keys | awk -F '\t' '
  function esc(s) { gsub(/\\/, "\\e", s); gsub(/"/, "\\(dq", s); return s }
  NR == 1 { next }
  {
    path = esc($1); type = $2; dflt = $3; text = $4
    if (type == "kind") { info = "a kind" }
    else if (dflt == "required") { info = type "; required" }
    else if (dflt == "-") { info = type }
    else { info = type "; default " esc(dflt) }
    print ".TP"
    printf ".BR %s \" (%s)\"\n", path, info
    t = esc(text); sub(/^\./, "\\\\\\&.", t); sub(/^\x27/, "\\\\\\&\x27", t)
    print toupper(substr(t, 1, 1)) substr(t, 2) "."
  }')
if [ $# -lt 2 ]; then
  printf '%s\n' "$roff"
  exit 0
fi
page=$2
tmp=$(mktemp "$page.XXXXXX")
trap 'rm -f "$tmp"' EXIT
awk -v roff="$roff" '
  /^\.\\" BEGIN KEYS/ { print; print roff; skip = 1; next }
  /^\.\\" END KEYS/ { skip = 0 }
  !skip { print }' "$page" > "$tmp"
grep -q '^\.\\" END KEYS' "$tmp" || { echo "man_keys.sh: $page has no BEGIN/END KEYS markers" >&2; exit 1; }
mv "$tmp" "$page"
trap - EXIT
