#!/usr/bin/env bash
# `make run`: migrate, load the checklist and demo data, then serve the app with a
# real Celery worker (kombu's filesystem broker unless REDIS_URL is set). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
# Debug off, as in production: refusals reach our 404 handler and the access log, and
# WhiteNoise serves the static files. DJANGO_DEBUG=1 make run brings the debug pages back.
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"
port="${PORT:-8000}"

$py manage.py compilemessages -v0 --ignore=.venv
$py manage.py migrate --noinput -v0
$py manage.py load_checklist
$py manage.py seed_demo

.venv/bin/celery -A duediligence worker --loglevel=INFO --concurrency="${WORKERS:-2}" \
  --beat --schedule var/celerybeat-schedule &
worker=$!
$py manage.py runserver "127.0.0.1:${port}" &
web=$!
# Ctrl-C (or a TERM to this script alone) stops the web server and the worker together.
trap 'kill $web $worker 2>/dev/null; wait $web $worker 2>/dev/null; exit 0' INT TERM

echo
echo "DueDiligence is at http://127.0.0.1:${port}/  (log in with a demo user above; Ctrl-C stops)"
echo
wait $web
kill $worker 2>/dev/null
wait $worker 2>/dev/null
