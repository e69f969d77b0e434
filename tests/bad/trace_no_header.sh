# A trace scenario (azure_trace.json) in $TMP, beside the trace it reads
cp scenarios/azure_trace.json "$TMP/s.json"
printf '0,1,1\n1,1,1\n' > "$TMP/noheader.csv"
