# calibration.gp: reads datafile (edgesim-calibrate --tsv: device, lm,
# weights_gb, tgs, ttft_s, fits, energy_wh_per_query). Figure-3 style: each
# device's projected decode speed, time to first token and energy per query
# against the model's weight size; models that do not fit are crosses in
# the device's colour. Devices and models are read from the data.
set datafile separator "\t"
set datafile columnheaders
set logscale xy
# The devices (one line each) and the models (x tics at their weight size),
# in the order of the file.
devices = system(sprintf("awk -F'\t' 'NR > 1 && !seen[$1]++ { printf \"%%s \", $1 }' '%s'", datafile))
lms = system(sprintf("awk -F'\t' 'NR > 1 && !seen[$2]++ { printf \"%%s:%%s \", $2, $3 }' '%s'", datafile))
set xtics ()
wmin = 1e300; wmax = 0
do for [m in lms] {
  i = strstrt(m, ":"); w = real(m[i + 1:])
  set xtics add (sprintf("%s", m[1:i - 1]) w)
  wmin = w < wmin ? w : wmin; wmax = w > wmax ? w : wmax
}
set xrange [wmin / 1.5 : wmax * 1.5]
set xtics rotate by -25
set xlabel "model, at its weight bytes read per token (GB, log scale)"
set grid lc rgb "#e0e0e0"
set key below horizontal
set bmargin 10
dev(d) = sprintf("< awk -F'\\t' 'NR == 1 || $1 == \"%s\"' '%s'", d, datafile)
palette = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d #666666"
sp_devices = " ".devices
colour(d) = word(palette, (words(sp_devices[1:strstrt(sp_devices, " ".d." ") + 1]) - 1) % 8 + 1)
fitting(v, f) = f > 0.5 ? v : NaN
oom(v, f) = f > 0.5 ? NaN : v
set multiplot layout 1,3 title "edgesim-calibrate: projections from this machine's kernel measurements (models/profiles)"
set title "decode speed"
set ylabel "output tokens/s per request"
plot for [d in devices] dev(d) using 3:(fitting($4, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($4, $6)) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle, \
     NaN with points pt 2 ps 2 lw 3 lc rgb "#444444" title "out of memory"
set title "time to first token (48-token prompt)"
set ylabel "seconds"
plot for [d in devices] dev(d) using 3:(fitting($5, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($5, $6)) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle
set title "energy per query (249 output tokens)"
set ylabel "Wh"
plot for [d in devices] dev(d) using 3:(fitting($7, $6)) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] dev(d) using 3:(oom($7, $6)) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle
unset multiplot
