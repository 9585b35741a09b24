#!/usr/bin/env bash
# Runs every test of every module against real PostgreSQL and Redis (started or installed first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
exec ./mvnw -B -ntp verify "$@"
