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


@pytest.mark.parametrize("kind", _urls())
def test_the_audit_log_is_append_only_until_0034_is_undone(kind):
    """0034: triggers refuse UPDATE/DELETE of audit rows; its downgrade removes them."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    url = new_sqlite_url("migr") if kind == "sqlite" else new_database_url("ylada_migr")
    cfg = _alembic_config(url)
    command.upgrade(cfg, "head")
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (actor_email, action, target, details, "
                          "client_ip, created_at) VALUES ('', 'auth.login', '', '{}', '', "
                          "CURRENT_TIMESTAMP)"))
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
    command.downgrade(cfg, "0033")
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'auth.logout'"))
        assert conn.execute(text("SELECT action FROM audit_log")).scalar() == "auth.logout"
    engine.dispose()
    command.upgrade(cfg, "head")
    engine = create_engine(normalize_url(url))
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_rebuilding_a_parent_table_on_sqlite_keeps_its_children():
    """SQLite rebuilds a table to alter it (copy, DROP, rename); with foreign keys on, the
    DROP would first delete the rows and cascade into every child table — an existing
    install upgrading through a change to `tenant` would lose its numbers, contacts and
    counters. Migrations run with foreign keys off, then checked."""
    from sqlalchemy import text

    url = new_sqlite_url("mfk")
    cfg = _alembic_config(url)
    command.upgrade(cfg, "0035")
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO tenant (name, slug, niche, status, timezone, created_at, "
            "inbox_wait_minutes, onboarding_dismissed) VALUES ('Loja', 'loja', 'outro', "
            "'active', 'America/Sao_Paulo', CURRENT_TIMESTAMP, 5, 0)"))
        conn.execute(text(
            "INSERT INTO usage_counter (tenant_id, month, messages_in, messages_out, "
            "ai_tokens, messages_blocked) SELECT id, '2026-12', 3, 2, 0, 0 FROM tenant"))

    def counters() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM usage_counter")).scalar()

    command.upgrade(cfg, "head")  # 0036 and 0039 rebuild `tenant`
    assert counters() == 1
    command.downgrade(cfg, "0035")
    assert counters() == 1
    engine.dispose()


@pytest.mark.parametrize("kind", _urls())
def test_0047_contacts_known_by_a_bsuid_keep_it_as_their_user_id(kind):
    """Found by review and fixed: one person reached by phone and by BSUID was two contacts.
    0047 adds contact.user_id; a contact known only by its BSUID (wa_id "BR.…", 0041) gets it
    copied, so that a later message with its phone and BSUID finds it; phones get none."""
    from sqlalchemy import text

    url = new_sqlite_url("m47") if kind == "sqlite" else new_database_url("ylada_m47")
    cfg = _alembic_config(url)
    command.upgrade(cfg, "0046")
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO tenant (name, slug, niche, status, timezone, created_at, "
            "retention_messages_days, retention_ai_days) VALUES ('Loja', 'loja', 'outro', "
            "'active', 'America/Sao_Paulo', CURRENT_TIMESTAMP, 0, 0)"))
        conn.execute(text(
            "INSERT INTO instance (tenant_id, name, channel, verify_token, webhook_key, status, "
            "created_at, updated_at) SELECT id, 'Loja', 'whatsapp_cloud', 'v', 'k', 'active', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM tenant"))
        for wa_id in ("BR.13491208655302741918", "US.ENT.11815799212886844830",
                      "5511987654321", "sim-1-1", "apagado-0a1b2c3d4e5f6a7b"):
            conn.execute(text(
                "INSERT INTO contact (tenant_id, instance_id, wa_id, name, tags, fields, "
                "opted_out, created_at, updated_at) SELECT tenant_id, id, :wa, '', '[]', '{}', "
                "false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM instance"), {"wa": wa_id})
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT wa_id, user_id FROM contact")).all())
    assert rows == {"BR.13491208655302741918": "BR.13491208655302741918",
                    "US.ENT.11815799212886844830": "US.ENT.11815799212886844830",
                    "5511987654321": None, "sim-1-1": None, "apagado-0a1b2c3d4e5f6a7b": None}
    command.downgrade(cfg, "0046")
    engine.dispose()
