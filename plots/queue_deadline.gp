# queue_deadline.gp: run in the staging folder of plots/queue_deadline.sh
# (render.gp); reads queue_deadline.tsv (policy, deadline_s, ttft_p95_s,
# ci95, cloud_usd, ci95, one policy's rows together) and the strings
# scenario, reps, and the lists the script swept: policies and deadlines
# (words, in seconds). Values are data, never gnuplot or shell text.
datafile = "queue_deadline.tsv"
set datafile separator "\t"
set datafile columnheaders
set logscale x 2
set xlabel "queue deadline (s), every device"
set grid lc rgb "#e0e0e0"
set key below horizontal
set bmargin 6
set yrange [0:*]
dmin = 1e300; dmax = 0
do for [d in deadlines] { dmin = (d + 0 < dmin) ? d + 0 : dmin; dmax = (d + 0 > dmax) ? d + 0 : dmax }
set xrange [dmin / 1.5 : dmax * 1.5]
set xtics ()
do for [d in deadlines] { set xtics add (d d + 0) }
colour(p) = p eq "random" ? "#d95f02" : p eq "weighted" ? "#7570b3" : p eq "load_aware" ? "#1b9e77" : "#666666"
set multiplot layout 1,2 title sprintf("%s: queue deadline (means of %s replications, 95%% CI)", scenario, reps)
set title "time to first token, 95th percentile, all requests"
set ylabel "TTFT p95 (s)"
plot for [p in policies] datafile using 2:(strcol(1) eq p ? $3 : NaN):4 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
set title "cost of the redirected requests"
set ylabel "cloud cost per run (USD)"
plot for [p in policies] datafile using 2:(strcol(1) eq p ? $5 : NaN):6 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
unset multiplot
