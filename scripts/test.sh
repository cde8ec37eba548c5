#!/usr/bin/env bash
# `make test`: install what tests need, start PostgreSQL and Redis on loopback, run the whole
# suite against them, and stop them whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
WORK="$(mktemp -d /tmp/ylada-test.XXXXXX)"
trap stop_services EXIT INT TERM
start_services
[ -n "${YLADA_SKIP_LINT:-}" ] || ruff check .
python -m pytest "$@"
# The embedded default (`make run`: SQLite, jobs in-process) takes other code paths than
# PostgreSQL + Redis: a full run also passes the message pipeline's tests on it (recording
# two sends at once failed there while every test on PostgreSQL passed).
if [ $# -eq 0 ]; then
  env -u TEST_PG_ADMIN_URL -u TEST_REDIS_URL python -m pytest -q tests/pipeline
fi
