# timeline.gp: reads timeline.tsv (edgesim --timeseries), heat.tsv (t, row,
# utilization) and rows.tsv (row, label) written by timeline.sh; scenario
# and rows_note are strings for the titles. Left: requests per step; right:
# token utilization per step as a heat map, one row per device or group of
# devices (rows_note says which).
set datafile separator "\t"
datafile = "timeline.tsv"
heatfile = "heat.tsv"
rowsfile = "rows.tsv"
set grid ytics lc rgb "#dddddd"
set xlabel "time (min)"
step = 1
stats datafile using ($1/60) nooutput
if (STATS_records > 1) step = (STATS_max - STATS_min) / (STATS_records - 1)
stats rowsfile using 1 nooutput
nrows = STATS_records
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
set title sprintf("token utilization in each step (admitted / capacity)\n%s", rows_note)
unset ylabel
unset grid
set yrange [nrows-0.5:-0.5]
set ytics nomirror font ",".(nrows > 20 ? 8 : 10)
set cbrange [0:1]
set cblabel "token utilization"
set palette defined (0 "#ffffff", 0.5 "#6baed6", 0.8 "#fd8d3c", 1 "#a50f15")
set xrange [0:*]
unset key
set style fill solid noborder
plot heatfile using ($1/60 + step/2):2:(step/2):(0.45):3 with boxxy fc palette, \
     rowsfile using (NaN):1:ytic(2) with points notitle
unset multiplot
