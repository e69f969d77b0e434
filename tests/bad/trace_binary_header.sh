# A trace scenario (azure_trace.json) in $TMP, beside a "trace" whose first
# line is terminal escapes, a tab, bytes that are not UTF-8 and a long tail
cp scenarios/azure_trace.json "$TMP/s.json"
printf '\033[31mRED\tx\377\376,1,2 and a very long tail of text beyond forty bytes\n0,1,1\n' > "$TMP/binary.csv"
