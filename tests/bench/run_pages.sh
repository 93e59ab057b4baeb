#!/usr/bin/env bash
# make bench: a fresh PostgreSQL database with the demo and the large cluster, gunicorn
# with 2 workers and DEBUG off, then tests/bench/bench_pages.py against it.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
DB=${BENCH_DB_NAME:-clusters_bench}
PORT=${BENCH_PORT:-8765}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export MEDIA_ROOT=/tmp/clusters-bench-media
export SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz
export SITE_URL="http://127.0.0.1:${PORT}" ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
export LOG_LEVEL=WARNING BENCH_URL="http://127.0.0.1:${PORT}"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}"
DEBUG=1 $BIN/python manage.py migrate --no-input -v0
DEBUG=1 $BIN/python manage.py seed_demo --large
DEBUG=0 $BIN/python manage.py collectstatic --no-input -v0

DEBUG=0 $BIN/gunicorn config.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -sf "http://127.0.0.1:${PORT}/health/" >/dev/null && break; sleep 1; done
DEBUG=0 $BIN/python tests/bench/bench_pages.py
