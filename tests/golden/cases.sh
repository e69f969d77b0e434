# cases.sh: the golden cases, one line each: NAME SEED FILE [--set ...].
# Every shipped scenario (scenarios/*.json but table1.json, which is for
# `edgesim metrics`) and the three scale scenarios cut to 300 s, seeds 1-3.
golden_cases() {
  for seed in 1 2 3; do
    for f in scenarios/*.json; do
      n=$(basename "$f" .json)
      [ "$n" = table1 ] && continue
      echo "$n $seed $f"
    done
    for f in scenarios/scale/*.json; do
      echo "scale_$(basename "$f" .json) $seed $f --set duration_s=300"
    done
  done
}
