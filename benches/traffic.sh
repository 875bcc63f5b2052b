#!/usr/bin/env bash
# Issue 17 §2/§4: captures of ordinary traffic, 10 MB to 2 GB: time, MB/s and peak RSS of
# `halfopen analyze`, beside `cat` (and tshark's SYN-retransmission filter on the 100 MB one,
# when installed).
#
#   bash benches/traffic.sh [SIZES_MB] [CONNECTS]     (defaults: "10 100 1000 2000", 2000)
#
# Builds the release binary and examples/make_traffic.rs, writes into target/bench-traffic one
# capture per size: CONNECTS established connections from 50 clients, then 1,400-byte data
# segments until the size is reached, so the bytes grow and the connect attempts do not. Times
# are the best of 3 runs (files in the page cache after a first, checked run that also gives the
# peak RSS from /usr/bin/time); a failing run stops the script. What a capture keeps grows with its connect attempts, never with its packets
# (ARCHITECTURE.md, memory invariant): peak RSS should be the same at every size. Delete
# target/bench-traffic afterwards (2 GB or more).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-10 100 1000 2000}
connects=${2:-2000}
cargo build --release --quiet --bin halfopen --example make_traffic
dir=target/bench-traffic
mkdir -p "$dir"
bin=target/release/halfopen
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d); $connects connections"

# Best of 3 wall-clock times of a command, in microseconds.
best_us() {
  local b=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s%N)
    local t=$(( (t1 - t0) / 1000 ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}

# Seconds (3 decimals) of a time in microseconds.
secs() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }

for mb in $sizes; do
  cap="$dir/traffic-$mb-$connects.pcap"
  if [ ! -f "$cap" ]; then
    target/release/examples/make_traffic "$cap.part" "$mb" "$connects"
    mv "$cap.part" "$cap"
  fi
  size=$(stat -c %s "$cap")
  # One checked run first: a failing analyze stops the script instead of being timed.
  /usr/bin/time -f "%M" -o "$dir/rss.txt" "$bin" analyze --format json -o "$dir/report.json" "$cap"
  rss=$(( $(tail -n 1 "$dir/rss.txt") / 1024 ))
  us_cat=$(best_us cat "$cap")
  us_ho=$(best_us "$bin" analyze --format json -o "$dir/report.json" "$cap")
  mbs=$(awk -v b="$size" -v us="$us_ho" 'BEGIN { printf "%.0f", b / us }')
  ratio=$(awk -v a="$us_ho" -v c="$us_cat" 'BEGIN { if (c > 0) printf "%.1f", a / c; else print "-" }')
  printf '%6s MB capture (%s bytes)  cat %s s  halfopen %s s  %6s MB/s  %5sx cat  %4s MB peak RSS\n' \
    "$mb" "$size" "$(secs "$us_cat")" "$(secs "$us_ho")" "$mbs" "$ratio" "$rss"
  if [ "$mb" = 100 ] && command -v tshark > /dev/null; then
    us_ts=$(best_us tshark -n -r "$cap" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission")
    echo "       tshark SYN-retransmission filter: $(secs "$us_ts") s ($(awk -v a="$us_ts" -v h="$us_ho" 'BEGIN { printf "%.1f", a / h }')x halfopen's time)"
  fi
done
