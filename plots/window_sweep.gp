# window_sweep.gp: reads datafile (window_sweep.sh's TSV: policy, window_s,
# rejected_fraction, ci95, cloud_usd, ci95), scenario, reps, and the lists
# the script swept: policies and windows (words, in seconds).
set datafile separator "\t"
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
pol(p) = sprintf("< awk -F'\\t' 'NR == 1 || $1 == \"%s\"' '%s'", p, datafile)
colour(p) = p eq "random" ? "#d95f02" : p eq "weighted" ? "#7570b3" : p eq "load_aware" ? "#1b9e77" : "#666666"
set multiplot layout 1,2 title sprintf("%s: effect of the window length (means of %d replications, 95%% CI)", scenario, reps)
set title "requests rejected at the edge"
set ylabel "rejected fraction"
plot for [p in policies] pol(p) using 2:3:4 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
set title "cost of the redirected requests"
set ylabel "cloud cost per run (USD)"
plot for [p in policies] pol(p) using 2:5:6 with yerrorlines lw 2 pt 7 lc rgb colour(p) title p
unset multiplot
