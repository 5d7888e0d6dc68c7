#!/usr/bin/env bash
# export-rss.sh: the time and peak memory of `promotor export` of a
# workspace loaded with `promotor load-workload`, as CSV and as XLSX:
# three runs of each, medians.
#
#   scripts/export-rss.sh DATABASE [WORKSPACE] [WHAT]
#
# WHAT is responses (the default), accounts or aggregates. Prints per
# format the rows, the file's size, the median wall time and the median
# peak resident memory (VmHWM, as GNU time reports it). Needs a built
# promotor in $PROMOTOR (default ./promotor) and /usr/bin/time.
set -euo pipefail
db=$1 ws=${2:-workload} what=${3:-responses}
bin=${PROMOTOR:-./promotor}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
median() { sort -n | sed -n 2p; }
for format in csv xlsx; do
  : >"$dir/runs"
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$dir/time" \
      "$bin" export --database "$db" --workspace "$ws" --what "$what" -o "$dir/out.$format" >"$dir/log"
    cat "$dir/time" >>"$dir/runs"
  done
  rows=$(grep -o 'Wrote [0-9]*' "$dir/log" | cut -d' ' -f2)
  size=$(stat -c %s "$dir/out.$format")
  secs=$(cut -d' ' -f1 "$dir/runs" | median)
  kb=$(cut -d' ' -f2 "$dir/runs" | median)
  printf '%s %s: %s rows, %d MB, %s s, peak RSS %d MB\n' "$what" "$format" "$rows" $((size / 1000000)) "$secs" $((kb / 1024))
done
