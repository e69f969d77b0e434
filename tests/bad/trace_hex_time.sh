# A trace scenario (azure_trace.json) in $TMP, beside the trace it reads
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIME,PROMPT,OUTPUT\n0x10,1,1\n' > "$TMP/hex.csv"
