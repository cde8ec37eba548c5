"""Many rows in ONE `INSERT … VALUES (…), (…)` on PostgreSQL.

SQLAlchemy sends an executemany as one statement per row (pipelined, but PostgreSQL still
parses and plans each), and `insert().values(list)` is recompiled on every call; the hot
path writes several rows per message, so it uses this plain, cached SQL instead. Other
dialects (the embedded SQLite) keep SQLAlchemy's executemany, which is cheap there.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.engine import Connection


@lru_cache(maxsize=256)
def values_sql(table: str, columns: tuple[str, ...], n_rows: int, suffix: str = "") -> str:
    """The statement text for n rows (%s placeholders); the same text for the same shape,
    so psycopg prepares it once per connection."""
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            + ", ".join([row] * n_rows) + (f" {suffix}" if suffix else ""))


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, every required column given)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = tuple(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    params = [json.dumps(row[c]) if c in as_json else row[c] for row in rows for c in columns]
    conn.exec_driver_sql(values_sql(table.name, columns, len(rows)), tuple(params))
