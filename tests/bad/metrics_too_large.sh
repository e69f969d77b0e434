{ printf "{\"name\": \""; head -c 17000000 /dev/zero | tr "\\0" x; printf "\"}\n"; } > "$TMP/big.json"
