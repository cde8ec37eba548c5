"""Alembic environment: migrates the database named by ylada settings (or `-x url=...`)."""

from __future__ import annotations

from sqlmodel import SQLModel

import ylada_app.models  # noqa: F401  (registers every table)
from alembic import context
from ylada_app.core.db import get_engine, normalize_url

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str | None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    return normalize_url(url) if url else None


def run_migrations_offline() -> None:
    from ylada_app.core.settings import get_settings

    context.configure(
        url=_url() or normalize_url(get_settings().database_url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = get_engine(_url())
        with engine.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    # SQLite: a batch migration rebuilds a table (copy, DROP, rename), and with foreign keys
    # on, DROP TABLE deletes its rows first — cascading into every child table (rebuilding
    # `tenant` would empty `instance`, `contact`, …). So keys are off while migrating (the
    # pragma only takes effect outside a transaction) and checked once at the end.
    # (A connection handed in already inside a transaction keeps its own settings.)
    keys_off = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if keys_off:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the autobegun transaction: the pragma is applied now
    # render_as_batch lets ALTER-style migrations work on SQLite too.
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
            if keys_off:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        if keys_off:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
