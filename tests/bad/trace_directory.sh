# A trace scenario (azure_trace.json) in $TMP, beside the trace it reads
cp scenarios/azure_trace.json "$TMP/s.json"
mkdir "$TMP/dir.csv"
