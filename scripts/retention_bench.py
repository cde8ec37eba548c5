#!/usr/bin/env python3
"""The LGPD retention benchmark's entry point: `make bench-retention` runs it through
scripts/with_services.sh (PostgreSQL, Redis, the API and workers); the bench itself is
ylada_app/testing/retention_bench.py (where the other benches live), whose docstring lists the
variables that tune it (RETENTION_BENCH_MESSAGES, default 1,000,000, …).

    ./scripts/with_services.sh retention_bench      # what `make bench-retention` does
    python scripts/retention_bench.py               # with TEST_PG_ADMIN_URL/TEST_REDIS_URL set
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ylada_app.testing.retention_bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
