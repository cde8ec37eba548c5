"""models/bulk: many rows in one statement give the same rows as one statement per row,
on both databases (PostgreSQL reads them from one JSON parameter)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)

from tests.conftest import PG_ADMIN_URL, new_database_url, new_sqlite_url
from ylada_app.models.bulk import insert_rows, insert_rows_returning_ids, update_rows

KINDS = ["sqlite"] + (["postgresql"] if PG_ADMIN_URL else [])

meta = MetaData()
thing = Table(
    "bulk_thing", meta,
    Column("id", Integer, primary_key=True),
    Column("label", String(40)),
    Column("data", JSON, nullable=False),
    Column("at", DateTime),
    Column("flag", Boolean, nullable=False),
)

WHEN = datetime(2026, 12, 2, 18, 30, 5, 123456)
ROWS = [
    {"id": 1, "label": 'aspas " e \\ barra', "data": {"itens": ["pizza", "açaí 🍕"], "n": 2},
     "at": WHEN, "flag": True},
    {"id": 2, "label": None, "data": {}, "at": None, "flag": False},
    {"id": 3, "label": "{chaves},vírgula", "data": {"aninhado": {"a": [1, None, 2.5]}},
     "at": WHEN, "flag": False},
]


@pytest.fixture(params=KINDS)
def conn(request):
    url = (new_sqlite_url("bulk") if request.param == "sqlite"
           else new_database_url("ylada_bulk"))
    engine = create_engine(url)
    meta.create_all(engine)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def _all(conn) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(select(thing).order_by(thing.c.id))]


def test_insert_rows_keeps_every_value(conn):
    insert_rows(conn, thing, ROWS)
    assert _all(conn) == ROWS


def test_update_rows_sets_each_row_to_its_own_values_where_the_condition_holds(conn):
    insert_rows(conn, thing, ROWS)
    update_rows(conn, thing, "id", [
        {"id": 1, "label": "um", "data": {"novo": True}, "at": None},
        {"id": 2, "label": "dois ✓", "data": {"x": "y"}, "at": WHEN},
        {"id": 3, "label": "três", "data": {}, "at": WHEN},
    ], where=thing.c.flag.is_(False))
    rows = {r["id"]: r for r in _all(conn)}
    assert rows[1] == ROWS[0]  # the condition does not hold: untouched
    assert rows[2] == {"id": 2, "label": "dois ✓", "data": {"x": "y"}, "at": WHEN,
                       "flag": False}
    assert rows[3]["label"] == "três" and rows[3]["data"] == {}


def test_update_rows_with_a_list_condition(conn):
    # "status IN (…)": on SQLite the rows go as an executemany, which cannot expand a list
    # parameter — recording two sends at once failed there, and the replies went twice
    # (2026-12-03)
    insert_rows(conn, thing, ROWS)
    update_rows(conn, thing, "id", [{"id": 1, "label": "um"}, {"id": 2, "label": "dois"},
                                    {"id": 3, "label": "três"}],
                where=thing.c.label.in_(('aspas " e \\ barra', "{chaves},vírgula")))
    assert [r["label"] for r in _all(conn)] == ["um", None, "três"]


def test_no_rows_is_no_statement(conn):
    insert_rows(conn, thing, [])
    update_rows(conn, thing, "id", [])
    assert _all(conn) == []


def test_ids_come_back_in_the_order_of_the_rows(conn):
    conn.execute(thing.insert(), [{"id": 500, "label": "antes", "data": {}, "flag": True}])
    rows = [{"label": f"linha {i}", "data": {"i": i, "texto": "ç ✓"}, "at": WHEN,
             "flag": i % 2 == 0} for i in range(40)]
    ids = insert_rows_returning_ids(conn, thing, rows)
    assert len(set(ids)) == 40
    by_id = {r["id"]: r for r in _all(conn)}
    assert [by_id[i]["label"] for i in ids] == [f"linha {i}" for i in range(40)]
    assert [by_id[i]["data"] for i in ids] == [{"i": i, "texto": "ç ✓"} for i in range(40)]
    assert insert_rows_returning_ids(conn, thing, []) == []


def test_update_rows_with_a_computed_set(conn):
    """A computed SET reads the row's current value and a field of the JSON rows that is
    no column (PostgreSQL); elsewhere the field is left out and the columns still update."""
    from ylada_app.models.bulk import Computed

    insert_rows(conn, thing, ROWS)
    longer = Computed(sql="label = CASE WHEN v.suffix IS NULL THEN bulk_thing.label"
                          " ELSE coalesce(bulk_thing.label, '') || v.suffix END",
                      fields="suffix text", names=("suffix",))
    update_rows(conn, thing, "id", [{"id": 1, "flag": False, "suffix": "!"},
                                    {"id": 2, "flag": True, "suffix": None}], computed=longer)
    rows = {r["id"]: r for r in _all(conn)}
    assert (rows[1]["flag"], rows[2]["flag"]) == (False, True)
    if conn.dialect.name == "postgresql":
        assert (rows[1]["label"], rows[2]["label"]) == ('aspas " e \\ barra!', None)
    else:
        assert (rows[1]["label"], rows[2]["label"]) == ('aspas " e \\ barra', None)
