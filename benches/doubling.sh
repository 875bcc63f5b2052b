#!/usr/bin/env bash
# Issue 17 §5: linear cost. Doubles one dimension of the input at a time and times `halfopen
# analyze --format json --threads 1` (best of 3) with peak RSS (/usr/bin/time):
#
#   bash benches/doubling.sh [STEPS]      (default 4 sizes per dimension: N, 2N, 4N, 8N)
#
# Dimensions, each built by the project's generators into target/bench-doubling:
#   packets  — SYNs from 200 senders (examples/make_flood), 250,000 upwards;
#   hosts    — SYNs each from its own sender (make_flood with SENDERS = SYNS), 250,000 upwards:
#              every sender is a host, every SYN an outstanding connection;
#   records  — one System log of 100,000 records upwards (examples/make_bundle, our EVTX writer);
#   files    — event logs in one bundle, 4 logs of 5,000 records upwards (one Computer each).
# Prints each time and its ratio to the previous size: about 2 means linear, n log n stays
# under about 2.2 at these sizes; 4 would be quadratic.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-4}
cargo build --release --quiet --bin halfopen --example make_flood --example make_bundle
dir=target/bench-doubling
mkdir -p "$dir"
bin=target/release/halfopen
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"

# best SECONDS of 3 runs, then peak RSS of one more (KB): prints "SECONDS KB"
measure() {
  local b="" s e t
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    "$bin" analyze --format json --threads 1 "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
  done
  /usr/bin/time -f "%M" -o "$dir/rss.txt" "$bin" analyze --format json --threads 1 "$@" \
    >/dev/null 2>&1 || true
  echo "$b $(cat "$dir/rss.txt")"
}

# dimension NAME, then for each size: a command that writes input $path for size $n
report() { # NAME SIZE SECONDS KB PREV_SECONDS
  local ratio="-"
  if [ -n "$5" ]; then ratio=$(echo "scale=2; $3 / $5" | bc); fi
  printf '%-8s %10s  %8.3f s  ×%-5s %6s MB peak RSS\n' "$1" "$2" "$3" "$ratio" "$(($4 / 1024))"
}

prev=""
n=250000
for _ in $(seq "$steps"); do
  path="$dir/packets-$n.pcap"
  [ -f "$path" ] || target/release/examples/make_flood "$path" "$n" 200
  read -r secs kb < <(measure "$path")
  report packets "$n" "$secs" "$kb" "$prev"
  prev=$secs
  n=$((n * 2))
done

prev=""
n=250000
for _ in $(seq "$steps"); do
  path="$dir/hosts-$n.pcap"
  [ -f "$path" ] || target/release/examples/make_flood "$path" "$n" "$n"
  read -r secs kb < <(measure "$path")
  report hosts "$n" "$secs" "$kb" "$prev"
  prev=$secs
  n=$((n * 2))
done

prev=""
n=100000
for _ in $(seq "$steps"); do
  path="$dir/records-$n"
  [ -d "$path" ] || target/release/examples/make_bundle "$path" 1 "$n" 0 0 >/dev/null
  read -r secs kb < <(measure "$path")
  report records "$n" "$secs" "$kb" "$prev"
  prev=$secs
  n=$((n * 2))
done

prev=""
n=4
for _ in $(seq "$steps"); do
  path="$dir/files-$n"
  [ -d "$path" ] || target/release/examples/make_bundle "$path" "$n" 5000 0 0 >/dev/null
  read -r secs kb < <(measure "$path")
  report files "$n" "$secs" "$kb" "$prev"
  prev=$secs
  n=$((n * 2))
done
