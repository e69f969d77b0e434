#!/bin/sh
# adaptive_window.sh [EDGESIM]: README's comparison of the paper's fixed
# windows with limiter.adapt on the bursty load_aware scenario, seeds 1..20.
# Prints a markdown table: per configuration the mean over the seeds (± the
# 95% half-width, 2.093 s / sqrt(20)) of the rejected fraction, cloud cost,
# slot utilization, p95 latency, and the time-average W (mean of the time
# series' w_mean_s; W itself for fixed windows).
set -eu
E=${1:-build/sim/edgesim}
DIR=$(cd "$(dirname "$0")" && pwd)
S=$DIR/../bursty_loadaware.json
TS=$(mktemp) || exit 1
trap 'rm -f "$TS"' EXIT
M=requests.rejected_fraction,cost.cloud_usd,utilization.slot_mean,latency_s.all.p95
row() { # LABEL W ADAPT (ADAPT empty: a fixed window of W seconds)
  for seed in $(seq 1 20); do
    if [ -n "$3" ]; then
      line=$("$E" "$S" --seed "$seed" --set "limiter.adapt=$3" --timeseries "$TS" \
        --format csv --no-header --metrics $M)
      w=$(awk -F'\t' 'NR == 1 {for (k = 1; k <= NF; k++) if ($k == "w_mean_s") c = k}
                      NR > 1 {s += $c; n++} END {print s / n}' "$TS")
    else
      line=$("$E" "$S" --seed "$seed" --set "limiter.window_s=$2" --format csv --no-header \
        --metrics $M)
      w=$2
    fi
    echo "$(echo "$line" | cut -d, -f4-),$w" # after scenario, policy, seed
  done | awk -F, -v label="$1" '
    {for (k = 1; k <= 5; k++) {x[k] += $k; x2[k] += $k * $k}; n++}
    END {
      for (k = 1; k <= 5; k++) {m[k] = x[k] / n; h[k] = 2.093 * sqrt((x2[k] - n * m[k] * m[k]) / (n - 1) / n)}
      printf "| %s | %.2f ± %.2f | %.3f ± %.3f | %.4f | %.2f | %.1f |\n", label,
             100 * m[1], 100 * h[1], m[2], h[2], m[3], m[4], m[5]}'
}
echo "| limiter | rejected % | cloud USD | slot utilization | p95 latency s | mean W s |"
echo "|---|---|---|---|---|---|"
for w in 20 30 60 120; do row "fixed W = $w s" $w ""; done
for r in 0.01 0.033 0.1; do
  row "adapt target_rejected $r" 60 "{\"target_rejected\": $r, \"w_min_s\": 15, \"w_max_s\": 240}"
done
row "adapt target_utilization 0.05" 60 \
  '{"target_utilization": 0.05, "w_min_s": 15, "w_max_s": 240}'
