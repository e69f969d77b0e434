mkfifo "$TMP/fifo.json"
