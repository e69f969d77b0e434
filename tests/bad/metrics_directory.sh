mkdir "$TMP/dir.json"
