"""Database engine and sessions (SQLModel over SQLAlchemy 2; SQLite or PostgreSQL/psycopg 3)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, create_engine

from ylada_app.core.settings import get_settings

FOLD_FROM, FOLD_TO = "áàâãäéèêëíìîïóòôõöúùûüçñ", "aaaaaeeeeiiiiooooouuuucn"
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def escape_like(value: str) -> str:
    """`value` taken literally inside a LIKE pattern (escape character: backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fold_text(value: str | None) -> str:
    """Lower case without accents ("Não" → "nao"), for search."""
    return (value or "").lower().translate(_FOLD)


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_ENGINES: dict[tuple[str, bool], Engine] = {}


def _engine_for(url: str, echo: bool) -> Engine:
    key = (url, echo)
    if key not in _ENGINES:
        _ENGINES[key] = _build_engine(normalize_url(url), echo)
    return _ENGINES[key]


def _build_engine(url: str, echo: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # Search folds case and accents the way PostgreSQL's index expression does.
            dbapi_conn.create_function("ylada_fold", 1, fold_text, deterministic=True)

        return engine
    engine = create_engine(url, echo=echo, pool_recycle=1800, pool_size=10, max_overflow=20)
    ping_when_idle(engine)
    return engine


IDLE_PING_S = 1.0


def ping_when_idle(engine: Engine, idle_s: float | None = None) -> None:
    """Pre-ping, but only connections that sat in the pool longer than `idle_s`.

    A database restart leaves idle pooled connections dead; the first request to use one
    would fail (the webhook's 500 after a restart). A ping on every checkout costs a round
    trip on the hot path, where connections go back into use within milliseconds; those
    need none — a connection that breaks while in use makes SQLAlchemy drop the whole pool.
    Raising DisconnectionError makes the pool retry with a fresh connection."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):  # pragma: no cover - trivial
        record.info["ylada_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        since = record.info.get("ylada_idle_since")
        if since is None or time.monotonic() - since < (idle_s or IDLE_PING_S):
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("idle connection is gone") from exc


def get_engine(url: str | None = None) -> Engine:
    settings = get_settings()
    return _engine_for(url or settings.database_url, settings.sql_echo)


def dispose_engines() -> None:
    """Close every pooled connection (tests, and workers after a fork)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_AFTER_COMMIT = "ylada_after_commit"
_RELEASED = "ylada_released_savepoint"


def after_commit(session: Session, fn: Callable[[], object]) -> None:
    """Run `fn` once the session's current transaction commits — never if it rolls back.
    For what must not happen unless the change is saved: queuing the job that sends an
    e-mail, delivers an outbox row or acts on a request recorded in the same transaction.

    Inside a savepoint (`begin_nested`) it waits for the outermost commit: releasing a
    savepoint saves nothing yet (SQLAlchemy signals it as a commit all the same). A
    savepoint rolled back drops the steps registered in it, and only those: the changes
    around it still commit, and so must their steps."""
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_AFTER_COMMIT, []).append((owner, fn))
    if not event.contains(session, "after_commit", _run_after_commit):
        event.listen(session, "after_commit", _run_after_commit)
        event.listen(session, "after_transaction_end", _settle_after_commit)


def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released (still the current one here)
        session.info[_RELEASED] = session.get_nested_transaction()
        return
    for _owner, fn in session.info.pop(_AFTER_COMMIT, []):
        try:
            fn()
        except Exception:  # the change is committed; sweepers pick up what this missed
            logging.getLogger(__name__).warning("after-commit step failed", exc_info=True)


def _settle_after_commit(session: Session, transaction: SessionTransaction) -> None:
    """A transaction ended. The outermost one: what is left was rolled back (a commit ran
    its steps already). A savepoint released: its steps now wait for the transaction
    around it; rolled back: they are dropped. (A flush's inner transaction: nothing.)"""
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
        session.info.pop(_RELEASED, None)
        return
    if not transaction.nested:
        return
    released = session.info.pop(_RELEASED, None) is transaction
    heir = transaction.parent
    while heir.parent is not None and not heir.nested:
        heir = heir.parent
    pending = session.info.get(_AFTER_COMMIT, [])
    session.info[_AFTER_COMMIT] = [
        (heir if owner is transaction else owner, fn) for owner, fn in pending
        if released or owner is not transaction]
