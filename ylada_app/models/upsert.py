"""`INSERT … ON CONFLICT DO NOTHING` for PostgreSQL and SQLite alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignore(session: Session, model: Any, values: dict[str, Any],
                  conflict: list[str] | None) -> int | None:
    """Insert a row unless it conflicts on `conflict` (None: on any unique key); returns the
    new id or None."""
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = (
        mod.insert(model.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(model.__table__.c.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def insert_ignore_many(session: Session, model: Any, rows: list[dict[str, Any]],
                       conflict: list[str]) -> None:
    """Insert the rows that do not conflict on `conflict` (one statement)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    session.execute(mod.insert(model.__table__).values(rows)
                    .on_conflict_do_nothing(index_elements=conflict))
