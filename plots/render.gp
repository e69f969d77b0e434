# render.gp: gnuplot -c render.gp SCRIPT OUTPUT TERMINAL DIR (common.sh's
# render()). Changes to DIR (the staging folder), reads DIR/vars.tsv (lines
# NAME<TAB>VALUE: each NAME, an identifier chosen by the calling script, is
# set to the string VALUE), sets the terminal (built by common.sh from
# constants) and the output file OUTPUT (a name in DIR), then loads SCRIPT.
# Folder, file and scenario names thus reach gnuplot as strings and are
# never parsed as gnuplot or shell text: a name holding ' ; or $ is just a
# name. The figure scripts read their data by names relative to DIR.
cd ARG4
set datafile separator "\t"
stats "vars.tsv" using 0 nooutput
nvars_ = STATS_records
do for [k_ = 0:nvars_ - 1] {
  stats "vars.tsv" every ::k_::k_ using (nm_ = strcol(1), val_ = strcol(2), 0) nooutput
  eval nm_." = val_"
}
eval "set terminal ".ARG3
set output ARG2
load ARG1
