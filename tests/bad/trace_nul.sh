# A trace scenario (azure_trace.json) in $TMP, beside the trace it reads
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIME,PROMPT,OUTPUT\n0,1,1\n1,\000,1\n' > "$TMP/nul.csv"
