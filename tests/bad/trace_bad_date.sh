# A trace scenario (azure_trace.json) in $TMP, beside the trace it reads
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-28 23:59:59,1,1\n2023-02-30 00:00:00,1,1\n' > "$TMP/date.csv"
