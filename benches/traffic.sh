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
# are the best of 3 runs (files in the page cache after the first); peak RSS from
# /usr/bin/time. What a capture keeps grows with its connect attempts, never with its packets
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

# Best of 3 wall-clock seconds of a command (ms resolution).
best() {
  local b=""
  for _ in 1 2 3; do
    local t0 t1 t
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    t1=$(date +%s%N)
    t=$(( (t1 - t0) / 1000000 ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "scale=3; $b / 1000" | bc | sed 's/^\./0./'
}

for mb in $sizes; do
  cap="$dir/traffic-$mb.pcap"
  [ -f "$cap" ] || target/release/examples/make_traffic "$cap" "$mb" "$connects"
  size=$(stat -c %s "$cap")
  t_cat=$(best cat "$cap")
  t_ho=$(best "$bin" analyze --format json -o "$dir/report.json" "$cap")
  /usr/bin/time -f "%M" -o "$dir/rss.txt" "$bin" analyze --format json -o "$dir/report.json" "$cap" \
    > /dev/null 2>&1 || true
  rss=$(( $(cat "$dir/rss.txt") / 1024 ))
  mbs=$(echo "scale=0; $size / 1000000 / $t_ho" | bc 2>/dev/null || echo "-")
  ratio=$(echo "scale=1; $t_ho / $t_cat" | bc 2>/dev/null || echo "-")
  printf '%6s MB capture (%s bytes)  cat %6s s  halfopen %6s s  %6s MB/s  %5sx cat  %4s MB peak RSS\n' \
    "$mb" "$size" "$t_cat" "$t_ho" "$mbs" "$ratio" "$rss"
  if [ "$mb" = 100 ] && command -v tshark > /dev/null; then
    t_ts=$(best tshark -n -r "$cap" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission")
    echo "       tshark SYN-retransmission filter: $t_ts s ($(echo "scale=1; $t_ts / $t_ho" | bc)x halfopen's time)"
  fi
done
