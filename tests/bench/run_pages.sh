#!/usr/bin/env bash
# make bench: a fresh PostgreSQL database with the demo and the large cluster, gunicorn
# with 2 workers and DEBUG off, then tests/bench/bench_pages.py against it; then large
# clusters up to BENCH_CLUSTERS (10: about a million measurements) added to the same
# database, gunicorn restarted and the first large cluster's pages timed again
# (bench_pages.py --clusters); last, tests/bench/bench_import.py (10,000 rows, CSV and XLSX).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
DB=${BENCH_DB_NAME:-clusters_bench}
PORT=${BENCH_PORT:-8765}
CLUSTERS=${BENCH_CLUSTERS:-10}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export MEDIA_ROOT=/tmp/clusters-bench-media
export SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz
export SITE_URL="http://127.0.0.1:${PORT}" ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
export LOG_LEVEL=WARNING BENCH_URL="http://127.0.0.1:${PORT}"
export BENCH_ONE_CLUSTER="/tmp/${DB}-one-cluster.json"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}"
DEBUG=1 $BIN/python manage.py migrate --no-input -v0
DEBUG=1 $BIN/python manage.py seed_demo --large
DEBUG=0 $BIN/python manage.py collectstatic --no-input -v0

# The pages are served as in production, with Redis as the cache every worker shares
# (sessions, the dashboard, the data versions); a database of its own, emptied first, so
# that nothing cached for an earlier run's clusters of the same ids is read.
REDIS_DB=${BENCH_REDIS_DB:-9}
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null
GUNICORN=
start_gunicorn() {
    DEBUG=0 REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}" $BIN/gunicorn config.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --log-level warning &
    GUNICORN=$!
    for _ in $(seq 30); do curl -sf "http://127.0.0.1:${PORT}/health/" >/dev/null && break; sleep 1; done
}
stop_gunicorn() {
    if [ -n "$GUNICORN" ]; then
        kill "$GUNICORN" 2>/dev/null || true
        wait "$GUNICORN" 2>/dev/null || true
        GUNICORN=
    fi
}
trap stop_gunicorn EXIT

start_gunicorn
DEBUG=0 $BIN/python tests/bench/bench_pages.py
stop_gunicorn

if [ "$CLUSTERS" -gt 1 ]; then
    echo
    # The seeding's time, cluster by cluster and in all (Celery's log lines are no figure).
    DEBUG=1 $BIN/python manage.py seed_demo --large --clusters "$CLUSTERS" | grep 'ready in'
    start_gunicorn
    DEBUG=0 $BIN/python tests/bench/bench_pages.py --clusters "$CLUSTERS"
    stop_gunicorn
fi

DEBUG=0 $BIN/python tests/bench/bench_import.py
