#!/usr/bin/env bash
# `make run`: the embedded default — SQLite file, in-process jobs, demo data — on one port.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
source scripts/env.sh
PORT="${PORT:-3000}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$PORT}"
export REFLEX_API_URL="${REFLEX_API_URL:-http://localhost:$PORT}"
ylada migrate >/dev/null
LOGINS="$(ylada seed --demo)"
cat <<BANNER

  ylada está subindo (first start compiles the frontend, ~30 s)

    URL:            http://localhost:$PORT
$(printf '%s\n' "$LOGINS" | sed 's/^/    /')
    Banco:          SQLite em .data/ylada.db (jobs em processo, sem Redis)

BANNER
exec reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT"
