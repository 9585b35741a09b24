#!/usr/bin/env bash
# Scenario 4 (docs/examples/04-restart-proof-long-jobs.md): two instances share one storage; the one
# running a long job is killed with kill -9 and the other runs the job within seconds; then a third
# instance joins and the second is stopped gracefully (SIGTERM): the job moves to the third at once.
#   STORAGE   the storage URL (default: H2 files in a fresh temporary directory)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="$here/../run"
work="$(mktemp -d)"
storage="${STORAGE:-h2:$work/data}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

say() { printf '\n=== %s\n' "$*"; }
start() { # name, extra options…; sets $! to the instance's pid
  local name="$1"; shift
  "$run" restart --name="$name" --storage="$storage" --dashboard=false "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  until grep -q 'running;' "$work/$name.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/$name.log" >&2; exit 1; fi
    sleep 0.2
  done
}
runner() { # the instance whose log shows the latest start of the job
  grep -H 'nightly-import started' "$work"/*.log 2>/dev/null \
    | sed 's|^.*/\([^/]*\)\.log:\([^ ]*\) .*|\2 \1|' | sort | tail -1 | cut -d' ' -f2 || true
}
wait_for_start_on() { # name: waits until that instance starts the job, prints the line
  until grep -q 'nightly-import started' "$work/$1.log" 2>/dev/null; do sleep 0.1; done
  grep 'nightly-import started' "$work/$1.log" | tail -1
}

say "storage $storage; logs in $work"
start instance-a --enqueue --job-length=120s
pid_a=${pids[-1]}
start instance-b
pid_b=${pids[-1]}
until [[ -n "$(runner)" ]]; do sleep 0.2; done
first="$(runner)"
say "the long job runs on $first:"
sleep 2.5
grep 'nightly-import' "$work/$first.log" | tail -3
if [[ "$first" == instance-a ]]; then victim=$pid_a; other=instance-b; other_pid=$pid_b; else victim=$pid_b; other=instance-a; other_pid=$pid_a; fi

say "kill -9 $first ($(date -u +%T.%N | cut -c1-12))"
kill -9 "$victim"
wait_for_start_on "$other"
say "$other took the job over (the demo's server timeout is 4 s; the default 8 s)"
sleep 2
grep 'nightly-import' "$work/$other.log" | tail -2

say "a new instance, instance-c, joins"
start instance-c
say "$other is stopped gracefully (SIGTERM, $(date -u +%T.%N | cut -c1-12))"
kill -TERM "$other_pid"
wait_for_start_on instance-c
grep -E 'stopping|stopped' "$work/$other.log" | head -3
say "instance-c runs it, at once:"
sleep 2
grep 'nightly-import' "$work/instance-c.log" | tail -2
say "done; ./baton jobs list --storage=$storage shows the job, ./baton jobs show ID its history"
