# timeline.gp: reads datafile (edgesim --timeseries TSV), scenario (a title).
# Left: requests per step; right: token utilization of each device per step
# as a heat map (one row per device).
set datafile separator "\t"
set grid ytics lc rgb "#dddddd"
set xlabel "time (min)"
stats datafile using 1 nooutput
ncol = STATS_columns
step = 1
stats datafile using ($1/60) nooutput
if (STATS_records > 1) step = (STATS_max - STATS_min) / (STATS_records - 1)
name(c) = system(sprintf("head -n 1 '%s' | cut -f %d | sed 's/^util_//'", datafile, c))
set multiplot layout 1,2 title sprintf("%s: one run, per step", scenario)
set key below horizontal
set bmargin 6
set ylabel "requests per step"
set yrange [0:*]
set xrange [0:*]
set title "arrivals, served at the edge, redirected to the cloud"
# histeps centred on each step's middle: every step is drawn over its whole
# length, the last one too
plot datafile using ($1/60 + step/2):2 with histeps lw 2 lc rgb "#444444" title "arrivals", \
     ""       using ($1/60 + step/2):3 with histeps lw 2 lc rgb "#1b9e77" title "edge served", \
     ""       using ($1/60 + step/2):4 with histeps lw 2 lc rgb "#d95f02" title "redirected"
set title "token utilization of each device in each step (admitted / capacity)"
unset ylabel
unset grid
set yrange [-0.5:ncol-9+0.5] reverse
set ytics () nomirror
do for [c=9:ncol] { set ytics add (name(c) c-9) }
set cbrange [0:1]
set cblabel "token utilization"
set palette defined (0 "#ffffff", 0.5 "#6baed6", 0.8 "#fd8d3c", 1 "#a50f15")
set xrange [0:*]
unset key
set style fill solid noborder
plot for [c=9:ncol] datafile using ($1/60 + step/2):(c-9):(step/2):(0.45):(column(c)) with boxxy fc palette
unset multiplot
