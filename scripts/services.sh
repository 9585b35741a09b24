#!/usr/bin/env bash
# Makes sure the services the tests use are up: PostgreSQL on 127.0.0.1:5432 (trust auth, database
# `test`) and Redis on 127.0.0.1:6379, and Chromium with chromedriver for the browser tests. Starts
# the services if installed but stopped; on a Debian machine without them, installs them with
# apt-get. Prints exactly what to do when it cannot.
set -u
log() { printf '[services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ensure_postgres() {
  if pg_up; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql || true; fi
  if command -v pg_ctlcluster >/dev/null; then
    local v; v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$v" ]; then
      local hba="/etc/postgresql/$v/main/pg_hba.conf"
      if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba" 2>/dev/null; then
        as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba" || true
      fi
      as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
    fi
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  if ! pg_up; then
    log "PostgreSQL is not reachable on 127.0.0.1:5432. Install it (apt-get install postgresql) and start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
    return 1
  fi
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null 2>&1 || true
  log "PostgreSQL up on 127.0.0.1:5432"
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
ensure_redis() {
  if redis_up; then return 0; fi
  command -v redis-server >/dev/null || apt_install redis-server || true
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  if ! redis_up; then
    log "Redis is not reachable on 127.0.0.1:6379. Install it (apt-get install redis-server) and start it: redis-server --daemonize yes --port 6379"
    return 1
  fi
  log "Redis up on 127.0.0.1:6379"
}

# The dashboard's browser tests drive the system's Chromium through its chromedriver; nothing
# downloads a browser of its own.
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return 0; fi
  apt_install chromium chromium-driver || true
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "Chromium and chromedriver are missing (/usr/bin/chromium, /usr/bin/chromedriver); the browser tests need them. Install them: apt-get install -y chromium chromium-driver"
    return 1
  fi
  log "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') and chromedriver installed"
}

rc=0
ensure_postgres || rc=1
ensure_redis || rc=1
ensure_chromium || rc=1
exit $rc
