"""core.db.after_commit under savepoints: a step waits for the commit of the whole
transaction (releasing a savepoint saves nothing yet), and a savepoint rolled back drops
its own steps only — not those of the changes around it, which still commit."""

from __future__ import annotations

from ylada_app.core.db import after_commit


def test_a_step_registered_in_a_savepoint_waits_for_the_outer_commit(db):
    ran: list[str] = []
    db.connection()  # (the outer transaction has begun, as after any query)
    with db.begin_nested():
        after_commit(db, lambda: ran.append("inner"))
    assert ran == []  # the savepoint is released; nothing is saved yet
    db.commit()
    assert ran == ["inner"]


def test_a_savepoint_rolled_back_drops_its_own_steps_only(db):
    ran: list[str] = []
    db.connection()
    after_commit(db, lambda: ran.append("before"))
    try:
        with db.begin_nested():
            after_commit(db, lambda: ran.append("undone"))
            raise ValueError
    except ValueError:
        pass
    with db.begin_nested(), db.begin_nested():
        after_commit(db, lambda: ran.append("released twice"))
    try:
        with db.begin_nested():
            with db.begin_nested():  # released into a savepoint that is then rolled back
                after_commit(db, lambda: ran.append("undone with its parent"))
            raise ValueError
    except ValueError:
        pass
    after_commit(db, lambda: ran.append("after"))
    assert ran == []
    db.commit()
    assert ran == ["before", "released twice", "after"]


def test_an_outer_rollback_drops_every_step_even_those_of_released_savepoints(db):
    ran: list[str] = []
    db.connection()
    after_commit(db, lambda: ran.append("outer"))
    with db.begin_nested():
        after_commit(db, lambda: ran.append("inner"))
    db.rollback()
    db.commit()  # a later commit of the same session runs nothing of it
    assert ran == []
    after_commit(db, lambda: ran.append("next"))  # (before any query: its own transaction)
    db.commit()
    assert ran == ["next"]
