#!/usr/bin/env bash
# `make bench-inbox`: a PostgreSQL on loopback, one business with 100,000 conversations and
# 2,000,000 messages (COPY), and the server time of the inbox. Ends with one `inbox-bench: …`
# line. Arguments go to `python -m ylada_app.testing.inbox_bench` (--conversations,
# --messages, --runs).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --test
source scripts/env.sh
source scripts/services.sh
WORK="$(mktemp -d /tmp/ylada-ibench.XXXXXX)"
trap stop_services EXIT INT TERM
start_services >&2
python -m ylada_app.testing.inbox_bench "$@"
