#!/usr/bin/env bash
# deploy/smoke.sh — the production shape on this machine, without systemd: nginx (Debian's, this folder's site
# with a self-signed certificate), gunicorn, the Celery worker and beat, each started with its unit's ExecStart
# line, against a fresh PostgreSQL database (created, then dropped) and Redis. It migrates, seeds a minimal
# network, has the Celery worker run a job, then through the proxy over HTTPS: /healthz, a respondent answers a survey link to the end, a staff
# user logs in and sees the staff home (deploy/smoke_check.py). Prints each step; exit 0 only when all pass.
# Everything it starts is stopped and every file it writes removed on exit, whatever happens.
#
# Settings (environment): SMOKE_POSTGRES_URL (a server URL whose role may create databases; default
# TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres), SMOKE_REDIS_URL (default
# redis://127.0.0.1:6379/13), VENV (default the checkout's .venv). Ports: free ones, chosen at start.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY=$ROOT/deploy
VENV=${VENV:-$ROOT/.venv}
NGINX=${NGINX:-/usr/sbin/nginx}
SERVER_URL=${SMOKE_POSTGRES_URL:-${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}}
SERVER_URL=${SERVER_URL/postgresql+psycopg:/postgresql:}
REDIS=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}
STAFF_EMAIL=staff.nts@benchlearn.example  # as deploy/smoke_seed.py makes them
STAFF_SCHOOL="Nordkystens Tekniske Skole"
STARTED=$SECONDS

say() { printf '[%3ds] %s\n' $((SECONDS - STARTED)) "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/benchlearn-smoke-XXXXXX)
chmod 755 "$WORK"  # nginx's workers run as an unprivileged user when started as root
DATABASE=benchlearn_smoke_$(basename "$WORK" | cut -d- -f3 | tr 'A-Z' 'a-z')
declare -A PID=()  # name -> process id (and group id: each runs in a session of its own)
DATABASE_CREATED=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PID[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PID[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ -n "$DATABASE_CREATED" ]; then
    psql "$SERVER_URL" -qX -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null || status=1
  fi
  if [ $status -ne 0 ]; then
    for log in "$WORK"/*.log "$WORK"/nginx/error.log; do
      [ -s "$log" ] && { echo "--- last lines of $log"; tail -n 25 "$log"; } >&2
    done
  fi
  rm -rf "$WORK"
  say "cleaned up: processes stopped, database $DATABASE dropped, $WORK removed"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each process in a session of its own, so that stopping it stops its children (gunicorn's and Celery's workers).
start() {
  local name=$1; shift
  setsid "$@" >"$WORK/$name.log" 2>&1 &
  PID[$name]=$!
}

# The unit's ExecStart line, pointed at this checkout, its virtualenv and this run's ports and folder.
unit_command() {
  sed -n 's/^ExecStart=//p' "$DEPLOY/systemd/$1.service" | sed \
    -e "s#/srv/benchlearn/.venv#$VENV#g" -e "s#/srv/benchlearn#$ROOT#g" -e "s#/var/lib/benchlearn#$WORK#g" \
    -e "s#127.0.0.1:8000#127.0.0.1:$APP_PORT#g"
}

wait_for_log() {  # name, pattern, seconds: until the process logs the pattern; fails at once if it exits
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -q "$2" "$WORK/$1.log" 2>/dev/null && return 0
    kill -0 "${PID[$1]}" 2>/dev/null || fail "$1 exited"
    sleep 0.5
  done
  fail "$1 did not log '$2' within $3 s"
}

[ -x "$NGINX" ] || fail "nginx is not installed (bash scripts/system-packages test)"
read -r APP_PORT HTTP_PORT HTTPS_PORT < <("$VENV/bin/python" -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')
BASE=https://localhost:$HTTPS_PORT
say "ports: gunicorn $APP_PORT, nginx $HTTP_PORT (HTTP) and $HTTPS_PORT (HTTPS); work folder $WORK"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>"$WORK/openssl.log" \
  || fail "openssl could not make a certificate"
say "self-signed certificate for localhost"

"$VENV/bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS" 2>"$WORK/redis.log" \
  || fail "Redis does not answer at $REDIS"
say "Redis answers at $REDIS"

psql "$SERVER_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DATABASE" >/dev/null || fail "cannot create a database on $SERVER_URL"
DATABASE_CREATED=1
say "database $DATABASE created"

# The environment file as shipped, then this run's values.
set -a
# shellcheck source=benchlearn.env.example
. "$DEPLOY/benchlearn.env.example"
set +a
export SECRET_KEY=$(openssl rand -hex 32)
export DATABASE_URL=${SERVER_URL%/*}/$DATABASE
export PUBLIC_URL=$BASE TRUSTED_HOSTS=localhost
export REDIS_URL=$REDIS RATELIMIT_STORAGE_URI=$REDIS
export BENCHLEARN_ROOT=$ROOT REPORTS_DIR=$WORK/reports MAIL_BACKEND=file MAIL_OUTBOX=$WORK/outbox
export WEB_CONCURRENCY=2 PYTHONPATH=$ROOT  # this checkout's code, whatever the virtualenv has installed
cd "$ROOT"

"$VENV/bin/benchlearn" db upgrade >"$WORK/migrate.log" 2>&1 || fail "benchlearn db upgrade"
say "migrations applied: $(grep -c 'Running upgrade' "$WORK/migrate.log")"

start web $(unit_command benchlearn-web)
start worker $(unit_command benchlearn-worker)
start beat $(unit_command benchlearn-beat)
say "gunicorn, Celery worker and Celery beat started"

mkdir -p "$WORK/nginx"
sed -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e '/listen \[::\]/d' -e "s#server_name survey.example.org;#server_name localhost;#" \
    -e "s#https://\$host\$request_uri#https://\$host:$HTTPS_PORT\$request_uri#" \
    -e "s#/etc/letsencrypt/live/survey.example.org/fullchain.pem#$WORK/cert.pem#" \
    -e "s#/etc/letsencrypt/live/survey.example.org/privkey.pem#$WORK/key.pem#" \
    -e "s#server 127.0.0.1:8000;#server 127.0.0.1:$APP_PORT;#" -e "s#/srv/benchlearn#$ROOT#g" \
    "$DEPLOY/nginx/benchlearn.conf" >"$WORK/nginx/site.conf"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/site.conf;
}
CONF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx-test.log" \
  || { cat "$WORK/nginx-test.log" >&2; fail "nginx rejects deploy/nginx/benchlearn.conf"; }
start nginx "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g "daemon off;"
say "nginx started with deploy/nginx/benchlearn.conf (configuration test passed)"

export SMOKE_STAFF_PASSWORD=$(openssl rand -hex 12)
"$VENV/bin/python" "$DEPLOY/smoke_seed.py" >"$WORK/seed.log" 2>&1 \
  || fail "deploy/smoke_seed.py: $(grep '^job ' "$WORK/seed.log" || echo 'seeding failed')"
LINK=$(sed -n "s#^link \($BASE/s/[A-Za-z0-9_-]*\)\$#\1#p" "$WORK/seed.log")
[ -n "$LINK" ] || fail "the seed printed no survey link under $BASE"
say "a minimal network seeded (deploy/smoke_seed.py): a school, its staff user, a round open today, its link"
say "a job through Redis to the Celery worker: $(sed -n 's/^job //p' "$WORK/seed.log")"

wait_for_log beat "beat: Starting" 60
say "Celery beat running"

"$VENV/bin/python" "$DEPLOY/smoke_check.py" --base "$BASE" --http-base "http://localhost:$HTTP_PORT" \
  --ca "$WORK/cert.pem" --link "$LINK" --staff "$STAFF_EMAIL:$SMOKE_STAFF_PASSWORD" --school-name "$STAFF_SCHOOL" --wait 60 \
  || fail "through the proxy"
for name in "${!PID[@]}"; do
  kill -0 "${PID[$name]}" 2>/dev/null || fail "$name stopped during the run"
done
say "all passed"
