# A trace scenario (azure_trace.json) in $TMP, beside a trace whose 2nd row has 600000000 output tokens
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIME,PROMPT,OUTPUT\n0,10,10\n1,10,600000000\n' > "$TMP/big.csv"
