#!/usr/bin/env bash
# The SQL floor of a job's life on PostgreSQL, without any Baton code: pgbench claims 256 jobs in
# one statement and finishes them in a second one (two autocommit statements, as Baton's server
# does), over N prepared jobs, with 1 and 2 clients, synchronous_commit on and off, for Baton's
# current row design and for the leanest durable design (baton-bench/src/main/resources/pg-floor/).
# What it prints is an upper bound for no-op jobs/s on this machine: the server JVM, which needs
# CPU of its own on the same cores, is not running. Database baton_floor (created if missing).
#
#   scripts/pg-floor.sh [N]     # default N = 200000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh >/dev/null
n=${1:-200000}
dir=baton-bench/src/main/resources/pg-floor
conn=(-h 127.0.0.1 -U "${PGUSER:-postgres}")
psql "${conn[@]}" -d postgres -qc "CREATE DATABASE baton_floor" 2>/dev/null || true
psql "${conn[@]}" -d baton_floor -q -f "$dir/setup.sql" 2>&1 | grep -v NOTICE || true
echo "pg-floor: $n jobs per run, claim 256 + finish per pgbench transaction, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for design in current lean; do
  for sync in on off; do
    for clients in 1 2; do
      psql "${conn[@]}" -d baton_floor -q -v n="$n" -f "$dir/fill.sql" >/dev/null
      tx=$((n / 256 / clients))
      start=$(date +%s.%N)
      pgbench "${conn[@]}" -n -c "$clients" -j "$clients" -t "$tx" -D sync="$sync" \
        -f "$dir/$design.sql" baton_floor >/dev/null
      end=$(date +%s.%N)
      awk -v d="$design" -v s="$sync" -v c="$clients" -v j=$((tx * clients * 256)) -v a="$start" -v b="$end" \
        'BEGIN { printf "pg-floor %-7s synchronous_commit=%-3s %d client(s): %d jobs in %.2f s = %.0f jobs/s\n", d, s, c, j, b - a, j / (b - a) }'
    done
  done
done
