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
