# outage.gp: run in the staging folder of plots/outage.sh; reads
# outage_<policy>.tsv (edgesim --timeseries with the cloud's columns).
# Requests per 10 minutes: answered at the edge, by the cloud, dropped;
# shaded: the time the cloud was down (1 - cloud_up).
set datafile separator "\t"
set datafile columnheaders
set grid ytics lc rgb "#dddddd"
set xlabel "time (h)"
set xrange [0:24]
set xtics 2
set yrange [0:*]
set key top left horizontal
bin = 600.0
b(t) = floor(t / bin) * bin / 3600 + bin / 7200
set style fill transparent solid 0.25 noborder
set multiplot layout 1,3 title "Requests per 10 minutes through a cloud outage (one run per policy)"
do for [p in "random weighted load_aware"] {
  f = "outage_" . p . ".tsv"
  set title p
  set ylabel (p eq "random" ? "requests per 10 min" : "")
  stats f using (column("arrivals")) nooutput
  top = STATS_mean * bin / 60 * 1.4
  plot f using (b($1)):((1 - column("cloud_up")) * top / (bin / 60)) smooth frequency with boxes lc rgb "#bbbbbb" title "cloud down", \
       f using (b($1)):(column("edge_served")) smooth frequency with histeps lw 2 lc rgb "#1b9e77" title "edge", \
       f using (b($1)):(column("redirected")) smooth frequency with histeps lw 2 lc rgb "#d95f02" title "cloud", \
       f using (b($1)):(column("dropped")) smooth frequency with histeps lw 2 lc rgb "#7570b3" title "dropped"
}
unset multiplot
