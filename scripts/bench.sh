#!/usr/bin/env bash
# `make bench`: PostgreSQL, Redis, the HTTP API, RQ workers and the fake Graph API on
# loopback; signed webhooks from N contacts x M messages into a menu flow. Ends with one
# `bench: …` line. BENCH_SECONDS, BENCH_CONTACTS, BENCH_WORKERS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
export YLADA_PG_DURABLE="${YLADA_PG_DURABLE:-1}"  # the production setting: fsync and synchronous commit on
WORK="$(mktemp -d /tmp/ylada-bench.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.bench "$@"
