# frontier.gp: reads frontier.tsv (frontier.sh's: series, x, then the mean
# and 95% CI of total cost, expected accuracy, p95 latency and edge energy),
# and the strings scenario and reps.
set datafile separator "\t"
datafile = "frontier.tsv"
set datafile columnheaders
set grid lc rgb "#e0e0e0"
set key bottom right inside box opaque
only(s, v) = strcol(1) eq s ? v : NaN
colour(s) = s eq "edge_first" ? "#000000" : s eq "threshold" ? "#1b9e77" : s eq "threshold_router_0.8" ? "#7570b3" : "#d95f02"
label(s) = s eq "edge_first" ? "edge_first" : s eq "threshold" ? "threshold, perfect router (theta swept)" : s eq "threshold_router_0.8" ? "threshold, 80% router (theta swept)" : "cascade, fpr 0.1 (tpr swept)"
array S[4] = ["edge_first", "threshold", "threshold_router_0.8", "cascade_fpr_0.1"]
set multiplot layout 1,2 title sprintf("%s: routing strategies (means of %d replications, 95%% CI)", scenario, reps + 0)
set title "cost-accuracy frontier"
set xlabel "total cost per run (USD: cloud + edge energy)"
set ylabel "expected accuracy (all requests)"
# edge_first last and larger: threshold with theta = 1 is the same point
plot for [k = 2:4] datafile using (only(S[k], $3)):5:4:6 with xyerrorlines lw 2 pt 7 lc rgb colour(S[k]) title label(S[k]), \
     datafile using (only(S[1], $3)):5:4:6 with xyerrorbars lw 2 pt 5 ps 2 lc rgb colour(S[1]) title label(S[1])
set title "tail latency"
set xlabel "total cost per run (USD)"
set ylabel "p95 latency, all requests (s)"
set key bottom right inside box opaque
plot for [k = 2:4] datafile using (only(S[k], $3)):7:4:8 with xyerrorlines lw 2 pt 7 lc rgb colour(S[k]) title label(S[k]), \
     datafile using (only(S[1], $3)):7:4:8 with xyerrorbars lw 2 pt 5 ps 2 lc rgb colour(S[1]) title label(S[1])
unset multiplot
