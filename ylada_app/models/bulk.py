"""Many rows in ONE statement on PostgreSQL: `INSERT … SELECT … FROM json_to_recordset(…)`,
`UPDATE … FROM json_to_recordset(…)`.

SQLAlchemy sends an executemany as one statement per row (pipelined, but PostgreSQL still
parses and plans each), and `insert().values(list)` is recompiled on every call, as is a
long `VALUES (…), (…)` text by psycopg. With the rows as one JSON parameter the statement
text is the same whatever the number of rows, so it is built once and prepared once per
connection; and the rows are serialised by the json module's C encoder — psycopg dumps
array parameters element by element in Python (one array per column cost the workers 6×
more CPU for a batch of conversations). Other dialects (the embedded SQLite) keep
SQLAlchemy's executemany, which is cheap there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Table, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

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


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def rows_json(rows: list[dict[str, Any]]) -> str:
    """The rows as one JSON array (the parameter of `recordset_sql`/`update_sql`)."""
    return json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _recordset(table: Table, columns: tuple[str, ...], extra: str = "") -> str:
    spec = ", ".join([f"{c} {table.c[c].type.compile(dialect=_PG)}" for c in columns]
                     + ([extra] if extra else []))
    return f"json_to_recordset(%s::json) AS v({spec})"


@lru_cache(maxsize=64)
def recordset_sql(table: Table, columns: tuple[str, ...]) -> str:
    """INSERT of `columns` from one JSON array of rows (%s)."""
    names = ", ".join(columns)
    return f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {_recordset(table, columns)}"


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, every required column given)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = tuple(rows[0])
    conn.exec_driver_sql(recordset_sql(table, columns), (rows_json(rows),))


@lru_cache(maxsize=64)
def recordset_returning_sql(table: Table, columns: tuple[str, ...]) -> str:
    """INSERT of `columns` from one JSON array of rows (%s), in the array's order, returning
    the new ids in that order (ROWS FROM … WITH ORDINALITY: the ids are drawn as the rows
    are inserted, so sorted by the row's position they come out in the caller's order)."""
    names = ", ".join(columns)
    spec = ", ".join(f"{c} {table.c[c].type.compile(dialect=_PG)}" for c in columns)
    return (f"WITH new AS (INSERT INTO {table.name} ({names}) SELECT {names} FROM "
            f"ROWS FROM (json_to_recordset(%s::json) AS ({spec})) WITH ORDINALITY "
            f"AS v({names}, ord) ORDER BY ord RETURNING id) SELECT id FROM new ORDER BY id")


def insert_rows_returning_ids(conn: Connection, table: Table,
                              rows: list[dict[str, Any]]) -> list[int]:
    """`insert_rows`, returning the new rows' ids in the order of `rows`. (SQLAlchemy's
    sorted RETURNING renders a multi-row VALUES with a parameter per cell: a statement text
    of kilobytes, different for each number of rows, that psycopg parsed on every call.)"""
    if not rows:
        return []
    if conn.dialect.name != "postgresql":
        return list(conn.execute(insert(table).returning(table.c.id,
                                                         sort_by_parameter_order=True),
                                 rows).scalars())
    return [r[0] for r in conn.exec_driver_sql(
        recordset_returning_sql(table, tuple(rows[0])), (rows_json(rows),))]


@dataclass(frozen=True)
class Computed:
    """One more SET of an `update_rows`, computed by PostgreSQL from the row's current value
    and fields of the JSON rows that are no column (`fields`: their recordset spec, e.g.
    "new_words text"; `sql`: "col = <expression over the table's columns and v.<field>>")."""

    sql: str
    fields: str
    names: tuple[str, ...]


@lru_cache(maxsize=64)
def update_sql(table: Table, key: str, columns: tuple[str, ...], where: str = "",
               computed: Computed | None = None) -> str:
    """UPDATE of `columns` of the rows whose `key` is in the JSON array of rows (%s), each
    to its own values; only where `where` also holds."""
    sets = ", ".join([f"{c} = v.{c}" for c in columns] + ([computed.sql] if computed else []))
    recordset = _recordset(table, (key, *columns), computed.fields if computed else "")
    return (f"UPDATE {table.name} SET {sets} FROM {recordset}"
            f" WHERE {table.name}.{key} = v.{key}" + (f" AND {where}" if where else ""))


def update_rows(conn: Connection, table: Table, key: str, rows: list[dict[str, Any]],
                where: ColumnElement[bool] | None = None,
                computed: Computed | None = None) -> None:
    """Update many rows, each to its own values, in one statement (`rows`: dicts with the
    same keys, `key` among them, one row per key); rows that fail `where` stay as they are.
    Rows are written in the order given: callers that lock in key order pass them sorted.
    `computed` (PostgreSQL only; its fields are left out elsewhere): one more SET."""
    if not rows:
        return
    skip = {key, *(computed.names if computed else ())}
    columns = tuple(c for c in rows[0] if c not in skip)
    if conn.dialect.name != "postgresql":
        stmt = update(table).where(table.c[key] == bindparam("k_"))
        if where is not None:
            # constants written in: an executemany cannot expand a list ("status IN (…)")
            stmt = stmt.where(text(str(where.compile(
                dialect=conn.dialect, compile_kwargs={"literal_binds": True}))))
        conn.execute(stmt.values({c: bindparam(f"v_{c}", type_=table.c[c].type)
                                  for c in columns}),
                     [{"k_": row[key], **{f"v_{c}": row[c] for c in columns}} for row in rows])
        return
    condition = "" if where is None else _literal_sql(where)
    conn.exec_driver_sql(update_sql(table, key, columns, condition, computed),
                         (rows_json(rows),))


def _literal_sql(where: ColumnElement[bool]) -> str:
    # (the condition's constants written in: the statement stays one text, prepared once)
    return str(where.compile(dialect=_PG, compile_kwargs={"literal_binds": True}))
