#!/usr/bin/env bash
# `make run`: migrate, load the checklist and demo data, then serve the app with a
# real Celery worker and beat (kombu's filesystem broker unless REDIS_URL is set).
# Ctrl-C, or a TERM to this script (or to make), stops all three within 10 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
# Debug off, as in production: refusals reach our 404 handler and the access log, and
# WhiteNoise serves the static files. DJANGO_DEBUG=1 make run brings the debug pages back.
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"
port="${PORT:-8000}"
var="${DD_VAR_DIR:-var}"
# Seconds a warm shutdown may take (running tasks finish) before what is left is killed;
# report and e-mail tasks are acknowledged late, so a killed task runs again later.
grace="${STOP_GRACE_SECONDS:-5}"

$py manage.py compilemessages -v0 --ignore=.venv
$py manage.py migrate --noinput -v0
$py manage.py load_checklist
$py manage.py seed_demo

# Job control: each child leads a process group of its own, so one signal reaches it with
# its children (runserver's reloader child, the worker's pool) and Ctrl-C reaches only
# this script, which then stops them in order.
set -m
mkdir -p "$var"
.venv/bin/celery -A duediligence worker --loglevel=INFO --concurrency="${WORKERS:-2}" &
worker=$!
.venv/bin/celery -A duediligence beat --loglevel=INFO --schedule "$var/celerybeat-schedule" &
beat=$!
$py manage.py runserver "127.0.0.1:${port}" &
web=$!
groups=("-$web" "-$worker" "-$beat")

# A job still running (not one that ended and waits to be reaped, as kill -0 would say).
running() {
  local left
  left="$(jobs -rp)"
  [[ -n "$left" ]]
}

stop() {
  trap '' INT TERM
  echo
  echo "Stopping the web server, the worker and beat..."
  # runserver's whole group (its reloader's child too); Celery's main processes alone,
  # which stop their pool and beat's service themselves.
  kill -TERM -- "-$web" "$worker" "$beat" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while ((SECONDS < deadline)) && running; do
    sleep 0.1
  done
  if running; then
    echo "Still running after ${grace}s: killed."
  fi
  # Whatever is left in the groups (a pool process whose parent died) goes too.
  kill -KILL -- "${groups[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM

echo
echo "DueDiligence is at http://127.0.0.1:${port}/  (log in with a demo user above; Ctrl-C stops)"
echo
# Whichever ends first (a crash, a port in use), the others stop with it.
wait -n "$web" "$worker" "$beat" || true
stop
