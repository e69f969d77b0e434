[ "$(id -u)" -ne 0 ] || exit 77 # root reads anything
cp scenarios/steady_random.json "$TMP/secret.json"
chmod 000 "$TMP/secret.json"
