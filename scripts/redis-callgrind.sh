#!/usr/bin/env bash
# Redis instructions per job, counted by callgrind: repeatable where timings are not (the same
# total twice, whatever else the machine does). Starts a private redis-server under valgrind on
# port 6390 (no persistence), runs one in-process ServerOverheadBench round against it (tuned
# server, jobs created by the bench, claimed and finished), stops Redis and prints the total.
# Compare two versions of the scripts with the same arguments: creation, claim and finish all
# count, plus the bench's reset between rounds (SCAN/UNLINK, < 1%).
#
#   scripts/redis-callgrind.sh [label] [jobs] [warm-up jobs]   # defaults: run 6000 3000
#   REDIS_SERVER=/path/to/redis-server scripts/redis-callgrind.sh   # a build with symbols
#
# Output: target/callgrind/cg.<label>.out; read it with
#   callgrind_annotate [--inclusive=yes] target/callgrind/cg.<label>.out
# Debian's redis-server is stripped (Lua shows as addresses); a build of the same version from
# its source with -g in deps/Makefile names every function.
set -euo pipefail
cd "$(dirname "$0")/.."
label=${1:-run}
jobs=${2:-6000}
warm=${3:-3000}
port=6390
server=${REDIS_SERVER:-redis-server}
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind"; exit 2; }
out=target/callgrind
mkdir -p "$out"
./mvnw -q -B -ntp -pl baton-bench -am package -DskipTests -Dspotless.check.skip
CP="baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)"
redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true
valgrind --tool=callgrind --callgrind-out-file="$out/cg.$label.out" \
  "$server" --port $port --save "" --appendonly no --daemonize no >"$out/valgrind.$label.log" 2>&1 &
vg=$!
for _ in $(seq 1 120); do
  redis-cli -p $port ping >/dev/null 2>&1 && break
  sleep 0.5
done
java -cp "$CP" dev.baton.bench.ServerOverheadBench 1 --storage=redis \
  --redis-url=redis://127.0.0.1:$port/0 --jobs="$jobs" --warmup="$warm" 2>&1 | grep -E "^median" || true
redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true
wait $vg || true
total=$(callgrind_annotate "$out/cg.$label.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
awk -v t="$total" -v n=$((jobs + warm)) -v l="$label" \
  'BEGIN { printf "redis-callgrind %s: %.0f instructions in Redis for %d jobs = %.0f per job (create, claim, finish)\n", l, t, n, t / n }'
