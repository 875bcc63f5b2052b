#!/usr/bin/env bash
# Issue 17 §6: halfopen side by side with the reference tools, on inputs built by the project's
# generators. Anyone can rerun it:
#
#   bash benches/compare.sh [RECORDS] [SYNS]     (defaults: 420,000 records ≈ 103 MB System.evtx;
#                                                 2,000,000 SYNs ≈ 140 MB pcap)
#
# Writes target/bench-compare/System-RECORDS.evtx (examples/make_bundle: one System log, our EVTX writer,
# 4226s among service events) and flood-SYNS.pcap (examples/make_flood: SYNs from 200 senders),
# then times, each best of RUNS (default 5):
#   - `halfopen analyze --format json --threads 1` and with default threads, on each input;
#   - `evtx_dump -o jsonl -t 1` on the event log, when `evtx_dump` is installed
#     (`cargo install evtx --locked`);
#   - tshark's SYN-retransmission filter on the capture, when `tshark` is installed;
#   - `cat` of each input (the read limit).
# Prints MB/s, the ratios and peak RSS (/usr/bin/time). Targets in issue 17.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-420000}
syns=${2:-2000000}
cargo build --release --quiet --bin halfopen --example make_bundle --example make_flood
dir=target/bench-compare
mkdir -p "$dir"
evtx=System-$records.evtx
pcap=flood-$syns.pcap
if [ ! -f "$dir/$evtx" ]; then
  rm -rf "$dir/bundle"
  target/release/examples/make_bundle "$dir/bundle" 1 "$records" 0 0 >/dev/null
  mv "$dir"/bundle/*.evtx "$dir/$evtx"
  rm -rf "$dir/bundle"
fi
[ -f "$dir/$pcap" ] || target/release/examples/make_flood "$dir/$pcap" "$syns" 200
bin=target/release/halfopen
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"

# best SECONDS of $RUNS (default 5) runs of "$@" (stdout discarded)
best() {
  local b=""
  for _ in $(seq "${RUNS:-5}"); do
    local s e t
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
  done
  echo "$b"
}
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
row() { # NAME FILE SECONDS RSS_KB
  local size mbs
  size=$(stat -c %s "$2")
  mbs=$(echo "scale=1; $size / 1000000 / $3" | bc)
  printf '%-44s %9.3f s %9s MB/s %8s MB\n' "$1" "$3" "$mbs" "${4:+$(($4 / 1024))}"
}

for input in "$evtx" "$pcap"; do
  f="$dir/$input"
  echo
  echo "== $input: $(stat -c %s "$f") bytes"
  t_cat=$(best cat "$f"); row "cat" "$f" "$t_cat" ""
  t_one=$(best "$bin" analyze --format json --threads 1 "$f")
  row "halfopen --threads 1" "$f" "$t_one" "$(rss "$bin" analyze --format json --threads 1 "$f")"
  t_all=$(best "$bin" analyze --format json "$f")
  row "halfopen (default threads)" "$f" "$t_all" "$(rss "$bin" analyze --format json "$f")"
  echo "  all threads vs one: $(echo "scale=2; $t_one / $t_all" | bc)x; halfopen 1 thread vs cat: $(echo "scale=1; $t_one / $t_cat" | bc)x the time"
  if [ "$input" = "$evtx" ] && command -v evtx_dump >/dev/null; then
    t_ref=$(best evtx_dump -o jsonl -t 1 "$f")
    row "evtx_dump -o jsonl -t 1" "$f" "$t_ref" "$(rss evtx_dump -o jsonl -t 1 "$f")"
    echo "  halfopen 1 thread vs evtx_dump: $(echo "scale=2; $t_ref / $t_one" | bc)x (above 1: faster)"
  fi
  if [ "$input" = "$pcap" ] && command -v tshark >/dev/null; then
    filter='tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.analysis.retransmission'
    t_ref=$(best tshark -n -r "$f" -Y "$filter")
    row "tshark SYN-retransmission filter" "$f" "$t_ref" "$(rss tshark -n -r "$f" -Y "$filter")"
    echo "  halfopen 1 thread vs tshark: $(echo "scale=1; $t_ref / $t_one" | bc)x faster"
  fi
done
