"""A fresh, empty PostgreSQL database for a benchmark or an evaluation, on the server that
scripts/with_services.sh (or `make test`) started: `TEST_PG_ADMIN_URL` names it."""

from __future__ import annotations

import os
import sys


def fresh_database(prefix: str, admin_url: str | None = None) -> str:
    """Create (or re-create) `<prefix>_<pid>` and return its SQLAlchemy URL."""
    import psycopg

    admin = admin_url or os.environ.get("TEST_PG_ADMIN_URL", "")
    if not admin:
        sys.exit(f"{prefix} needs PostgreSQL: run it through scripts/with_services.sh "
                 "or set TEST_PG_ADMIN_URL")
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name


def database_url(prefix: str) -> str:
    """DATABASE_URL when it is PostgreSQL already, else a fresh database."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else fresh_database(prefix)
