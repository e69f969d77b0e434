# A trace scenario (azure_trace.json) in $TMP with a difficulty column D
cp scenarios/azure_trace.json "$TMP/s.json"
printf 'TIME,PROMPT,OUTPUT,D\n0,1,1,0.5\n' > "$TMP/d.csv"
