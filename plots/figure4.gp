# figure4.gp: the paper's Figure 4 from the TSV files figure4.sh writes in
# the current folder; `reps` is the number of replications (for the title). Bars are
# means, error bars 95% confidence intervals.
set datafile separator "\t"
set datafile columnheaders
set style fill solid 0.85 border lc rgb "#333333"
set boxwidth 0.36
set grid ytics lc rgb "#e0e0e0"
set key below horizontal
set bmargin 7
set xrange [-0.6:3.6]
set yrange [0:*]
set bars 1.5
req = "figure4_requests.tsv"
util = "figure4_utilization.tsv"
means = "figure4_util_means.tsv"
set multiplot layout 1,3 title sprintf("edgesim: the paper's Figure 4 (means of %d replications, 95%% CI)", reps + 0)

set title "requests: edge vs rejected"
set ylabel "requests per run"
plot req using ($0-0.19):3:4 with boxerrorbars lc rgb "#1b9e77" title "processed at the edge", \
     ""  using ($0+0.19):5:6 with boxerrorbars lc rgb "#d95f02" title "rejected (to the cloud)", \
     ""  using 0:(NaN):xtic(2) notitle

set title "redirected tokens and their cost"
set ylabel "tokens redirected to the cloud"
set y2label "cloud cost (USD)"
set y2range [0:*]
set ytics nomirror
set y2tics
plot req using ($0-0.19):7:8 with boxerrorbars lc rgb "#7570b3" title "tokens to the cloud", \
     ""  using ($0+0.19):9:10 axes x1y2 with boxerrorbars lc rgb "#e6ab02" title "cost (USD, right axis)", \
     ""  using 0:(NaN):xtic(2) notitle
unset y2label
unset y2tics
set ytics mirror

set title "bursty load: token utilization per device"
set ylabel "token utilization (tokens admitted / capacity)"
stats util using 2 nooutput
set xrange [-0.6:STATS_records-0.4]
stats means every ::0::0 using 2 nooutput name "R"
stats means every ::0::0 using 3 nooutput name "Rci"
stats means every ::1::1 using 2 nooutput name "L"
stats means every ::1::1 using 3 nooutput name "Lci"
set xtics rotate by -35
plot util using ($0-0.19):2:3 with boxerrorbars lc rgb "#d95f02" title "random", \
     ""   using ($0+0.19):4:5 with boxerrorbars lc rgb "#1b9e77" title "load-aware", \
     ""   using 0:(NaN):xtic(1) notitle, \
     R_mean with lines dt 2 lw 2 lc rgb "#d95f02" title sprintf("random mean %.3f ± %.3f", R_mean, Rci_mean), \
     L_mean with lines dt 2 lw 2 lc rgb "#1b9e77" title sprintf("load-aware mean %.3f ± %.3f", L_mean, Lci_mean)
unset multiplot
