#!/usr/bin/env bash
# Runs every benchmark behind docs/benchmarks.md, one storage after the other, and keeps each
# report in baton-bench/target/bench-<name>.txt. Run it on a quiet machine: the numbers are only
# as good as the cores the storage, the server processes and this driver get.
#
#   scripts/bench.sh                  # postgres, h2, redis, mutex chains
#   scripts/bench.sh postgres redis   # only these
#   scripts/bench.sh dashboard        # dashboard and API at scale (not in the default list: the
#                                     # 1,000,000-job fills take minutes; kept for --reuse, see
#                                     # docs/benchmarks.md; DASHBOARD_BENCH_ARGS adds options)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
./mvnw -q -B -ntp -pl baton-bench -am package -DskipTests -Dspotless.check.skip
CP="baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)"
out=baton-bench/target
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(postgres h2 redis mutex)
for t in "${targets[@]}"; do
  echo "== $t ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/bench-$t.txt"
  case "$t" in
    postgres) java -cp "$CP" dev.baton.bench.StorageBench --storage=postgres \
                --scenarios=throughput,latency,recovery,pgbench,flat
              java -cp "$CP" dev.baton.bench.StorageBench --storage=postgres \
                --scenarios=throughput --jobs=100000 ;;
    h2)       java -cp "$CP" dev.baton.bench.StorageBench --storage=h2 --warmup=5000 \
                --scenarios=throughput,latency,recovery ;;
    redis)    java -cp "$CP" dev.baton.bench.StorageBench --storage=redis
              java -cp "$CP" dev.baton.bench.StorageBench --storage=redis \
                --scenarios=throughput --jobs=100000 ;;
    mutex)    for s in memory redis h2 postgres; do
                java -cp "$CP" dev.baton.bench.MutexChainBench 5 10 --storage=$s
              done ;;
    dashboard) for s in redis postgres; do
                 # shellcheck disable=SC2086
                 java -cp "$CP" dev.baton.bench.DashboardBench --storage=$s \
                   --finished=1000000 --queued=10000 --reuse ${DASHBOARD_BENCH_ARGS:-}
               done ;;
    *) echo "unknown benchmark '$t' (postgres, h2, redis, mutex, dashboard)"; exit 2 ;;
  esac 2>&1 | tee -a "$out/bench-$t.txt"
done
