"""After a database restart the pools hold dead connections: the next use must get a live one
(both the sync engine and the webhook's async pool), not fail the request."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from tests.conftest import run_async
from ylada_app.core import db as core_db
from ylada_app.core.db_async import dispose_loop_engines, get_async_engine, pg_connection


def _kill_other_connections(engine) -> int:
    """What a restart does to every pooled connection: the server ends them."""
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()


@pytest.fixture
def pg_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    return database_url


def test_sync_pool_replaces_connections_a_restart_killed(pg_only, monkeypatch):
    monkeypatch.setattr(core_db, "IDLE_PING_S", 0.2)
    engine = core_db._build_engine(core_db.normalize_url(pg_only), False)
    try:
        with engine.connect() as a, engine.connect() as b:  # two pooled connections
            a.execute(text("SELECT 1")), b.execute(text("SELECT 1"))
        time.sleep(0.3)
        # killed from a fresh connection outside the pool
        killer = core_db._build_engine(core_db.normalize_url(pg_only), False)
        assert _kill_other_connections(killer) >= 2
        killer.dispose()
        time.sleep(0.3)
        for _ in range(3):  # every pooled connection was dead; none of these fails
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 41 + 1")).scalar() == 42
    finally:
        engine.dispose()


def test_async_pool_replaces_connections_a_restart_killed(pg_only, monkeypatch):
    monkeypatch.setattr(core_db, "IDLE_PING_S", 0.2)
    monkeypatch.setenv("DATABASE_URL", pg_only)
    from ylada_app.core.settings import reset_settings_cache

    reset_settings_cache()

    async def scenario() -> list[int]:
        engine = get_async_engine()
        async with pg_connection(engine) as conn:
            await conn.execute("SELECT 1")
        await asyncio.sleep(0.3)
        killer = core_db._build_engine(core_db.normalize_url(pg_only), False)
        _kill_other_connections(killer)
        killer.dispose()
        await asyncio.sleep(0.3)
        out = []
        for _ in range(2):
            async with pg_connection(engine) as conn:
                out.append((await (await conn.execute("SELECT 7")).fetchone())[0])
        await dispose_loop_engines()
        return out

    try:
        assert run_async(scenario()) == [7, 7]
    finally:
        reset_settings_cache()
