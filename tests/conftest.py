"""Test configuration: real PostgreSQL and Redis when `make test` started them.

`scripts/test.sh` exports TEST_PG_ADMIN_URL and TEST_REDIS_URL (servers on loopback). Each
test session creates its own fresh PostgreSQL database and migrates it with Alembic.
Without TEST_PG_ADMIN_URL (a quick local run) the suite falls back to a SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import uuid
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="ylada-pytest-"))
os.environ["DATA_DIR"] = str(_TMP)
os.environ["YLADA_ENV"] = "test"
os.environ["SECRET_KEY"] = "test-secret-key-" + "x" * 40
os.environ.setdefault("WHATSAPP_GRAPH_URL", "http://127.0.0.1:9")  # tests start a fake
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def _create_pg_database(name: str) -> str:
    import psycopg

    dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def new_database_url(prefix: str) -> str:
    """A fresh, empty database (PostgreSQL when available, else a SQLite file)."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    if PG_ADMIN_URL:
        return _create_pg_database(name)
    return f"sqlite:///{_TMP / (name + '.db')}"


def new_sqlite_url(prefix: str) -> str:
    return f"sqlite:///{_TMP / (prefix + '_' + secrets.token_hex(4) + '.db')}"


@pytest.fixture(scope="session")
def database_url() -> str:
    """The session's main test database, migrated to head."""
    from ylada_app.cli import migrate
    from ylada_app.core.settings import reset_settings_cache

    url = new_database_url("ylada_test")
    os.environ["DATABASE_URL"] = url
    reset_settings_cache()
    migrate(url)
    from ylada_app.core.db import session_scope
    from ylada_app.services.seed import seed_catalog

    with session_scope() as session:
        seed_catalog(session)
    return url


@pytest.fixture
def db(database_url):
    """A session on the migrated test database; tests commit what they need."""
    from sqlmodel import Session

    from ylada_app.core.db import get_engine

    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("needs Redis (run through `make test`)")
    return REDIS_URL


@pytest.fixture
def redis_mode(redis_url, monkeypatch):
    """The app configured with Redis for one test; the settings cache is reset after the
    variable is gone again, so Redis mode cannot leak into the tests that follow."""
    from ylada_app.core.settings import reset_settings_cache

    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    yield redis_url
    monkeypatch.delenv("REDIS_URL")
    reset_settings_cache()


@pytest.fixture
def receiver():
    """A webhook receiver on loopback for one test (it records every request)."""
    from ylada_app.testing.webhook_receiver import WebhookReceiver

    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_graph():
    """The fake Graph API server, shared by the session; reset between tests by users."""
    from ylada_app.testing.fake_graph import FakeGraph

    graph = FakeGraph()
    graph.start()
    yield graph
    graph.stop()


@pytest.fixture
def graph_url(fake_graph, monkeypatch):
    from ylada_app.core.settings import reset_settings_cache

    fake_graph.reset()
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", fake_graph.base_url)
    reset_settings_cache()
    yield fake_graph
    reset_settings_cache()


@pytest.fixture(scope="session")
def fake_openai_server():
    """The fake OpenAI-compatible server, shared by the session."""
    from ylada_app.testing.fake_openai import FakeOpenAI

    fake = FakeOpenAI()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_openai(fake_openai_server, monkeypatch):
    """The fake, reset, as the platform's default AI endpoint (short timeout, 1 retry)."""
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.services import ai

    fake_openai_server.reset()
    monkeypatch.setenv("AI_BASE_URL", fake_openai_server.base_url + "/v1")
    monkeypatch.setenv("AI_API_KEY", "sk-platform-test")
    monkeypatch.setenv("AI_TIMEOUT_S", "1.5")
    monkeypatch.setenv("AI_MAX_RETRIES", "1")
    reset_settings_cache()
    ai.forget_fallback()
    yield fake_openai_server
    fake_openai_server.reset()
    reset_settings_cache()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Login throttling counts in memory without Redis: every test starts from zero."""
    from ylada_app.core import ratelimit

    ratelimit.reset_memory()
    yield


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what arrives."""
    from tests.smtp_server import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, monkeypatch):
    """SMTP_URL pointed at the loopback server, emptied for the test."""
    from ylada_app.core.settings import reset_settings_cache

    smtp_server.reset()
    monkeypatch.setenv("SMTP_URL", smtp_server.url)
    monkeypatch.setenv("MAIL_FROM", "ylada <nao-responda@ylada.test>")
    reset_settings_cache()
    yield smtp_server
    reset_settings_cache()


def run_async(coro):
    """`asyncio.run(coro)` in a thread of its own: after the browser tests, Playwright's sync
    API leaves an event loop running in the main thread, where asyncio.run refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session", autouse=True)
def _background_jobs_end_with_the_run():
    yield
    from ylada_app.core.queue import finish_local_jobs

    finish_local_jobs()
