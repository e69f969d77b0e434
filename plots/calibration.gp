# calibration.gp: reads datafile (edgesim-calibrate --tsv: device, lm,
# weights_gb, tgs, ttft_s, fits, energy_wh_per_query). Figure-3 style: each
# device's projected decode speed, time to first token and energy per query
# against the model's Q4_0 weight size; models that do not fit are crosses.
set datafile separator "\t"
set datafile columnheaders
set logscale xy
set xrange [0.2:5]
set xtics ("0.5B" 0.2781, "1.5B" 0.8688, "3B" 1.737, "7B" 3.978)
set xlabel "Qwen2.5 model (Q4_0 weights read per token)"
set grid lc rgb "#e0e0e0"
set key below horizontal
set bmargin 6
dev(d) = sprintf("< awk -F'\\t' 'NR == 1 || $1 == \"%s\"' '%s'", d, datafile)
colour(d) = d eq "orin_agx" ? "#1b9e77" : d eq "orin_nano" ? "#d95f02" : "#7570b3"
devices = "orin_agx orin_nano phone"
fitting(v, f) = f > 0.5 ? v : NaN
oom(v, f) = f > 0.5 ? NaN : v
set multiplot layout 1,3 title "edgesim-calibrate: projections from this machine's kernel measurements (models/profiles)"
set title "decode speed"
set ylabel "output tokens/s per request"
plot for [d in devices] dev(d) using 3:(fitting($4, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($4, $6)) with points pt 2 ps 2.5 lw 3 lc rgb "#cc0000" notitle, \
     NaN with points pt 2 ps 2 lw 3 lc rgb "#cc0000" title "out of memory"
set title "time to first token (48-token prompt)"
set ylabel "seconds"
plot for [d in devices] dev(d) using 3:(fitting($5, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($5, $6)) with points pt 2 ps 2.5 lw 3 lc rgb "#cc0000" notitle
set title "energy per query (249 output tokens)"
set ylabel "Wh"
plot for [d in devices] dev(d) using 3:(fitting($7, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($7, $6)) with points pt 2 ps 2.5 lw 3 lc rgb "#cc0000" notitle
unset multiplot
