#!/usr/bin/env bash
# `make fault`: the pipeline under worker kills, Redis and PostgreSQL restarts and Graph
# errors, counted from outside (ylada_app/testing/fault_bench.py). Ends with one `fault: …`
# line; exits non-zero if anything was lost, duplicated, out of order or answered 500.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
export YLADA_PG_DURABLE="${YLADA_PG_DURABLE:-1}"  # production durability: fsync on
WORK="$(mktemp -d /tmp/ylada-fault.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.fault_bench "$@"
