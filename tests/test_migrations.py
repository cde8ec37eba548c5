"""Alembic migrations run up and down on SQLite and PostgreSQL and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import ylada_app.models  # noqa: F401
from alembic import command
from tests.conftest import PG_ADMIN_URL, new_database_url, new_sqlite_url
from ylada_app.cli import _alembic_config
from ylada_app.core.db import normalize_url

EXPECTED_TABLES = {"tenant", "user_account", "membership", "auth_session", "account_token",
                   "invitation", "instance", "plan", "subscription"}


def _not_full_text(name, type_, _parent_names):
    """Full-text objects live only in migrations (FTS5 tables on SQLite, the GIN index on
    PostgreSQL), not in the SQLModel metadata."""
    if type_ == "table":
        return not (name or "").startswith("knowledge_fts")
    if type_ == "index":
        return name not in ("ix_knowledge_item_fts", "ix_conversation_search")
    if type_ == "column":
        return name != "search_words"
    return True


def _urls():
    urls = [pytest.param("sqlite", id="sqlite")]
    urls.append(pytest.param("postgresql", id="postgresql",
                             marks=pytest.mark.skipif(not PG_ADMIN_URL, reason="needs PG")))
    return urls


@pytest.mark.parametrize("kind", _urls())
def test_upgrade_downgrade_upgrade(kind):
    url = new_sqlite_url("migr") if kind == "sqlite" else new_database_url("ylada_migr")
    cfg = _alembic_config(url)
    command.upgrade(cfg, "head")
    engine = create_engine(normalize_url(url))
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": _not_full_text})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    command.downgrade(cfg, "base")
    assert not EXPECTED_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(cfg, "head")
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    engine.dispose()
