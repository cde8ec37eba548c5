#!/usr/bin/env bash
# `make bench-analytics`: a PostgreSQL on loopback, one tenant with 1,000,000 messages over 90
# days (COPY), the rollup, and the dashboard's query time. Ends with one `analytics-bench: …`
# line. Arguments go to `python -m ylada_app.testing.analytics_bench` (--messages, --days,
# --runs, --verify).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
WORK="$(mktemp -d /tmp/ylada-abench.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.analytics_bench "$@"
