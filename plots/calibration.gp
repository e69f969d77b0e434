# calibration.gp: reads calibration.tsv (edgesim-calibrate --tsv: device, lm,
# weights_gb (bytes read per generated token, GB), tgs, ttft_s, fits,
# energy_wh_per_query). Figure-3 style: each device's projected decode
# speed, time to first token and energy per query against those bytes;
# models that do not fit are crosses in the device's colour. Strings from
# calibration.sh: devices (names, in file order), lms (model:GB words) and
# profiles (which profiles these are, where and when measured).
set datafile separator "\t"
set datafile columnheaders
datafile = "calibration.tsv"
set logscale xy
set xtics ()
wmin = 1e300; wmax = 0
do for [m in lms] {
  i = strstrt(m, ":"); w = real(m[i + 1:])
  set xtics add (sprintf("%s", m[1:i - 1]) w)
  wmin = w < wmin ? w : wmin; wmax = w > wmax ? w : wmax
}
set xrange [wmin / 1.5 : wmax * 1.5]
set xtics rotate by -25
set xlabel "model, placed at the bytes it reads\nper generated token (GB, log scale)"
set grid lc rgb "#e0e0e0"
set key below horizontal
set bmargin 10
only(d, v) = strcol(1) eq d ? v : NaN
palette = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d #666666"
sp_devices = " ".devices
colour(d) = word(palette, (words(sp_devices[1:strstrt(sp_devices, " ".d." ") + 1]) - 1) % 8 + 1)
fitting(v, f) = f > 0.5 ? v : NaN
oom(v, f) = f > 0.5 ? NaN : v
set multiplot layout 1,3 title sprintf("edgesim-calibrate projections: %s", profiles)
set title "decode speed"
set ylabel "output tokens/s per request"
plot for [d in devices] datafile using 3:(only(d, fitting($4, $6))) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] datafile using 3:(only(d, oom($4, $6))) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle, \
     NaN with points pt 2 ps 2 lw 3 lc rgb "#444444" title "out of memory"
set title "time to first token (48-token prompt)"
set ylabel "seconds"
plot for [d in devices] datafile using 3:(only(d, fitting($5, $6))) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] datafile using 3:(only(d, oom($5, $6))) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle
set title "energy per query (249 output tokens)"
set ylabel "Wh"
plot for [d in devices] datafile using 3:(only(d, fitting($7, $6))) with linespoints lw 2 pt 7 lc rgb colour(d) title d, \
     for [d in devices] datafile using 3:(only(d, oom($7, $6))) with points pt 2 ps 2.5 lw 3 lc rgb colour(d) notitle
unset multiplot
