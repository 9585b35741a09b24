#!/usr/bin/env bash
# The README must never lie: clones this repository (its committed HEAD) into a temporary
# directory, runs the README's first command there exactly as written (the port moved by
# BATON_PORT, so that a busy 8080 does not matter), and waits until the dashboard answers and a
# demo job has succeeded. Then stops it with SIGTERM and checks that it shut down cleanly.
#   BATON_MAVEN_ARGS  passed to the build the launcher runs (e.g. -Dmaven.repo.local=...)
#   FRESH_CLONE_KEEP  set to keep the clone (its path is printed)
# Exit 0 when all of that happened; 1 with what did not, and the server's log, otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
say() { echo "[fresh-clone] $*"; }

# The first command of the README's first bash block, without its comment.
first="$(awk '/^```bash/{inside=1; next} inside{print; exit}' "$root/README.md" | sed 's/[[:space:]]*#.*$//')"
[[ -n "$first" ]] || { say "no command found in README.md's first bash block"; exit 1; }

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" || true; fi
  if [[ -z "${FRESH_CLONE_KEEP:-}" ]]; then rm -rf "$tmp"; else say "kept $tmp"; fi
}
trap cleanup EXIT

git clone -q "$root" "$tmp/baton"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)"
url="http://127.0.0.1:$port"
say "running '$first' in a fresh clone of $(git -C "$root" rev-parse --short HEAD), port $port"
start=$SECONDS
(cd "$tmp/baton" && BATON_PORT="$port" exec setsid bash -c "exec $first") >"$tmp/server.log" 2>&1 &
pid=$!

fail() {
  say "FAILED: $*"
  echo "---- server output (last 60 lines) ----"
  tail -n 60 "$tmp/server.log"
  exit 1
}

# The build in the clone takes a minute or two; the server then starts in seconds.
until curl -fs "$url/api/v1/stats" >"$tmp/stats.json" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || fail "the command exited before the dashboard answered"
  ((SECONDS - start < 900)) || fail "the dashboard did not answer at $url within 15 minutes"
  sleep 1
done
answered=$((SECONDS - start))
say "dashboard answered at $url after ${answered}s (build included)"

until grep -Eq '"SUCCEEDED" *: *[1-9]' "$tmp/stats.json"; do
  kill -0 "$pid" 2>/dev/null || fail "the server exited before a demo job succeeded"
  ((SECONDS - start - answered < 120)) || fail "no demo job succeeded within 2 minutes: $(cat "$tmp/stats.json")"
  sleep 1
  curl -fs "$url/api/v1/stats" >"$tmp/stats.json" 2>/dev/null || true
done
say "a demo job succeeded $((SECONDS - start - answered))s after the dashboard answered"
grep -q "$url" "$tmp/server.log" || fail "the server did not print its dashboard URL ($url)"

stop=$SECONDS
kill -TERM "$pid"
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the server did not stop within 30 s of SIGTERM"
status=0
wait "$pid" || status=$?
pid=""
# 143 is a JVM that the signal ended after its shutdown hooks ran.
[[ $status == 0 || $status == 143 ]] || fail "the server exited with status $status after SIGTERM"
say "stopped cleanly $((SECONDS - stop))s after SIGTERM (exit $status)"
say "OK"
