#!/usr/bin/env bash
# Issue 15: `analyze` on a bundle of many event logs, default threads vs --threads 1.
#
#   bash benches/threads.sh [LOGS] [RECORDS]     (defaults: 20 System logs of 20,000 records)
#
# Builds the release binary, writes the bundle with examples/make_bundle.rs (LOGS System logs,
# 5 captures, 5 netstat files) into target/bench-bundle, then times `halfopen analyze --format
# json` with the default thread count and with --threads 1: hyperfine when installed, else 5
# runs each (min and median). Peak RSS of one run each from /usr/bin/time -v. Prints the
# speed-up; the two JSON reports must be identical (the answer never depends on the threads).
set -euo pipefail
cd "$(dirname "$0")/.."
logs=${1:-20}
records=${2:-20000}
cargo build --release --quiet --bin halfopen --example make_bundle
bundle=target/bench-bundle
rm -rf "$bundle"
target/release/examples/make_bundle "$bundle" "$logs" "$records" 5 5
bin=target/release/halfopen
size=$(du -sb "$bundle" | cut -f1)
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"
echo "input: $bundle, $size bytes ($logs logs x $records records, 5 captures, 5 netstat files)"

cmp <("$bin" analyze --format json "$bundle") <("$bin" analyze --format json --threads 1 "$bundle") \
  && echo "reports identical for default threads and --threads 1"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 10 \
    -n default "$bin analyze --format json $bundle" \
    -n threads-1 "$bin analyze --format json --threads 1 $bundle"
else
  run5() {
    local times=()
    for _ in 1 2 3 4 5; do
      local s e
      s=$(date +%s.%N)
      "$@" >/dev/null
      e=$(date +%s.%N)
      times+=("$(echo "$e - $s" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %.3f s, median %.3f s\n", a[1], a[3]}'
  }
  echo "default threads: $(run5 "$bin" analyze --format json "$bundle")"
  echo "--threads 1:     $(run5 "$bin" analyze --format json --threads 1 "$bundle")"
fi
for t in default 1; do
  args=(analyze --format json)
  [ "$t" != default ] && args+=(--threads "$t")
  rss=$(/usr/bin/time -v "$bin" "${args[@]}" "$bundle" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
  echo "peak RSS, threads $t: $((rss / 1024)) MB"
done
