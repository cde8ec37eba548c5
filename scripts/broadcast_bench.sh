#!/usr/bin/env bash
# `make bench-broadcast`: PostgreSQL, Redis, `ylada worker` processes and the fake Graph API
# on loopback; one broadcast to BROADCAST_RECIPIENTS (default 50,000) contacts, 5 % of sends
# throttled by Graph, a worker killed mid-run. Ends with one `broadcast-bench: …` line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
export YLADA_PG_DURABLE="${YLADA_PG_DURABLE:-1}"  # the production setting: fsync and synchronous commit on
WORK="$(mktemp -d /tmp/ylada-bbench.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.broadcast_bench "$@"
