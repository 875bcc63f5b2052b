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

report() { # NAME SIZE SECONDS KB PREV_SECONDS
  local ratio="-"
  if [ -n "$5" ]; then ratio=$(echo "scale=2; $3 / $5" | bc); fi
  printf '%-8s %10s  %8.3f s  ×%-5s %6s MB peak RSS\n' "$1" "$2" "$3" "$ratio" "$(($4 / 1024))"
}

# dimension NAME START MAKE: times inputs of START, 2·START, …; `MAKE PATH N` writes the input
# of size N at PATH (kept between runs).
dimension() {
  local name=$1 n=$2 make=$3 prev="" path secs kb
  for _ in $(seq "$steps"); do
    path="$dir/$name-$n"
    [ -e "$path" ] || "$make" "$path" "$n"
    read -r secs kb < <(measure "$path")
    report "$name" "$n" "$secs" "$kb" "$prev"
    prev=$secs
    n=$((n * 2))
  done
}
packets() { target/release/examples/make_flood "$1" "$2" 200; }
hosts() { target/release/examples/make_flood "$1" "$2" "$2"; }
records() { target/release/examples/make_bundle "$1" 1 "$2" 0 0 >/dev/null; }
files() { target/release/examples/make_bundle "$1" "$2" 5000 0 0 >/dev/null; }

dimension packets 250000 packets
dimension hosts 250000 hosts
dimension records 100000 records
dimension files 4 files
