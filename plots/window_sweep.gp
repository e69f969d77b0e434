# window_sweep.gp: reads window_sweep.tsv (window_sweep.sh's: policy,
# window_s, rejected_fraction, ci95, cloud_usd, ci95), and the strings
# scenario, reps and the lists the script swept: policies (names) and
# windows (seconds), words separated by spaces, and policy_list (the
# policies with commas, for the title).
set datafile separator "\t"
datafile = "window_sweep.tsv"
set datafile columnheaders
set logscale x 2
set xlabel "window W (s), token rate C/W of each device held fixed"
set grid lc rgb "#e0e0e0"
set key below horizontal
set bmargin 6
set yrange [0:*]
wmin = 1e300; wmax = 0
do for [w in windows] { wmin = (w + 0 < wmin) ? w + 0 : wmin; wmax = (w + 0 > wmax) ? w + 0 : wmax }
set xrange [wmin / 1.5 : wmax * 1.5]
set xtics ()
do for [w in windows] { set xtics add (w w + 0) }
# one policy's rows: the others' values are undefined (their rows come
# before or after, so no line is broken)
only(p, v) = strcol(1) eq p ? v : NaN
colour(p) = p eq "random" ? "#d95f02" : p eq "weighted" ? "#7570b3" : p eq "load_aware" ? "#1b9e77" : "#666666"
set multiplot layout 1,2 title sprintf("%s: window length and dispatch (%s; means of %d replications, 95%% CI)", scenario, policy_list, reps + 0)
set title "requests rejected at the edge"
set ylabel "rejected fraction"
plot for [p in policies] datafile using 2:(only(p, $3)):4 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
set title "cost of the redirected requests"
set ylabel "cloud cost per run (USD)"
plot for [p in policies] datafile using 2:(only(p, $5)):6 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
unset multiplot
