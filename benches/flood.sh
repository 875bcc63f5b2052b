#!/usr/bin/env bash
# Issue 18 §2: SYN floods and scans, time and peak RSS of `analyze`.
#
#   bash benches/flood.sh [SYNS]          (default 2,000,000 SYNs: two 140 MB captures)
#
# Builds the release binary and examples/make_flood.rs, writes into target/bench-flood a capture
# of SYNS unanswered SYNs from SYNS distinct sources (a flood) and one from 200 sources (200
# scanners), then runs `halfopen analyze` on each in JSON, text and HTML, printing wall time,
# peak RSS (/usr/bin/time) and MB/s. Target (issue 18): under 10 s and 256 MB each.
set -euo pipefail
cd "$(dirname "$0")/.."
syns=${1:-2000000}
cargo build --release --quiet --bin halfopen --example make_flood
dir=target/bench-flood
mkdir -p "$dir"
bin=target/release/halfopen
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"
for senders in "$syns" 200; do
  cap="$dir/flood-$senders.pcap"
  [ -f "$cap" ] || target/release/examples/make_flood "$cap" "$syns" "$senders"
  size=$(stat -c %s "$cap")
  for fmt in json text html; do
    out="$dir/report-$senders.$fmt"
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$bin" analyze --format "$fmt" -o "$out" "$cap" || true
    read -r secs kb < "$dir/time.txt"
    mbs=$(echo "scale=1; $size / 1000000 / $secs" | bc)
    printf '%-22s %-5s %8s s %8s MB/s %6s MB peak RSS  report %s bytes\n' \
      "$syns SYNs/$senders src" "$fmt" "$secs" "$mbs" "$((kb / 1024))" "$(stat -c %s "$out")"
  done
done
