"""Many rows in ONE `INSERT … SELECT * FROM unnest(…)` on PostgreSQL.

SQLAlchemy sends an executemany as one statement per row (pipelined, but PostgreSQL still
parses and plans each), and `insert().values(list)` is recompiled on every call, as is a
long `VALUES (…), (…)` text by psycopg. With one array parameter per column the statement
text is the same whatever the number of rows, so it is built once and prepared once per
connection. Other dialects (the embedded SQLite) keep SQLAlchemy's executemany, which is
cheap there.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

_PG = postgresql.dialect()


@lru_cache(maxsize=64)
def unnest_sql(table: Table, columns: tuple[str, ...], suffix: str = "") -> str:
    """INSERT of `columns` from one array parameter (%s) each, then `suffix`."""
    arrays = ", ".join(f"%s::{table.c[c].type.compile(dialect=_PG)}[]" for c in columns)
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
            + (f" {suffix}" if suffix else ""))


@lru_cache(maxsize=64)
def one_row_sql(table: Table, columns: tuple[str, ...], suffix: str = "") -> str:
    """INSERT of ONE row of `columns` (typed %s placeholders), then `suffix`: the webhook's
    common case. Dumping one-element arrays cost the API more CPU than the statement itself
    (psycopg inspects every array element in Python)."""
    values = ", ".join(f"%s::{table.c[c].type.compile(dialect=_PG)}" for c in columns)
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({values})"
            + (f" {suffix}" if suffix else ""))


def row_values(table: Table, columns: tuple[str, ...], row: dict[str, Any]) -> list[Any]:
    """The parameters of `one_row_sql` (JSON columns as JSON text)."""
    return [json.dumps(row[c]) if isinstance(table.c[c].type, JSON) else row[c]
            for c in columns]


def column_arrays(table: Table, columns: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The parameters of `unnest_sql`: one list per column (JSON columns as JSON text)."""
    out = []
    for c in columns:
        values = [row[c] for row in rows]
        if isinstance(table.c[c].type, JSON):
            values = [json.dumps(v) for v in values]
        out.append(values)
    return out


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, every required column given)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = tuple(rows[0])
    conn.exec_driver_sql(unnest_sql(table, columns), tuple(column_arrays(table, columns, rows)))
