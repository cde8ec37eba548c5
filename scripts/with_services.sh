#!/usr/bin/env bash
# The benchmarks' common wrapper (`make bench`, `fault`, `bench-*`): install the test extras,
# start PostgreSQL and Redis on free loopback ports in a temporary directory, run
# `python -m ylada_app.testing.<MODULE> [ARGS…]` against them, and stop them on exit.
# Each module prints its one result line; its docstring lists the variables that tune it.
# DURABLE=1 runs PostgreSQL as production does (fsync and synchronous commit on).
set -euo pipefail
cd "$(dirname "$0")/.."
MODULE="${1:?usage: scripts/with_services.sh MODULE [ARGS…]}"; shift
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
[ "${DURABLE:-0}" = 1 ] && export YLADA_PG_DURABLE="${YLADA_PG_DURABLE:-1}"
WORK="$(mktemp -d "/tmp/ylada-${MODULE}.XXXXXX")"
trap stop_services EXIT INT TERM
start_services >&2
python -m "ylada_app.testing.${MODULE}" "$@"
