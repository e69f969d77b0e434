# A trace scenario (azure_trace.json) in $TMP, beside a trace whose 1st row has 700000000 prompt tokens
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIME,PROMPT,OUTPUT\n0,700000000,10\n' > "$TMP/big.csv"
