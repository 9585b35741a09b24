#!/usr/bin/env bash
# Runs every test of every module against real PostgreSQL and Redis (started or installed first),
# then the fresh-clone check: the README's first command, run as written in a new clone of the
# committed HEAD, must bring up the dashboard and succeed a demo job (scripts/fresh-clone-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
./mvnw -B -ntp verify "$@"
# The clone builds with the same local repository as this run (-Dmaven.repo.local=... if given).
repo_args=""
for arg in "$@"; do
  case "$arg" in -Dmaven.repo.local=*) repo_args="$repo_args $arg" ;; esac
done
BATON_MAVEN_ARGS="${BATON_MAVEN_ARGS:-}$repo_args" bash scripts/fresh-clone-check.sh
