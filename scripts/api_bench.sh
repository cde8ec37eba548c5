#!/usr/bin/env bash
# `make bench-api`: the public API under open-loop load and the webhook fan-out, on
# loopback PostgreSQL, Redis, API and workers. Ends with one `api-bench: …` line.
# API_BENCH_RATE, API_BENCH_SECONDS, API_BENCH_EVENTS, BENCH_WORKERS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
WORK="$(mktemp -d /tmp/ylada-abench.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.api_bench "$@"
