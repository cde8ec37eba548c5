"""Retrieval quality on the example pt-BR catalog + FAQ, on SQLite (FTS5) and PostgreSQL
(to_tsvector 'portuguese'). Prints hit@1/hit@3 (`pytest -s` shows them)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from tests.conftest import PG_ADMIN_URL, new_database_url, new_sqlite_url
from ylada_app.cli import migrate
from ylada_app.core.db import normalize_url
from ylada_app.testing import retrieval_eval


@pytest.mark.parametrize("kind", [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not PG_ADMIN_URL, reason="needs PG")),
])
def test_hit_at_3_is_at_least_0_9(kind, capsys):
    url = new_sqlite_url("retr") if kind == "sqlite" else new_database_url("ylada_retr")
    migrate(url)
    engine = create_engine(normalize_url(url))
    with Session(engine, expire_on_commit=False) as session:
        tenant_id, instance_id = retrieval_eval._setup(session)
        assert retrieval_eval.load_examples(session, tenant_id=tenant_id,
                                            instance_id=instance_id) == 60
        session.commit()
        result = retrieval_eval.evaluate(session, tenant_id=tenant_id, instance_id=instance_id)
    engine.dispose()
    with capsys.disabled():
        print(f"\nretrieval[{kind}]: questions={result.total} hit@1={result.hit1:.3f} "
              f"hit@3={result.hit3:.3f}")
    assert result.total >= 50
    assert result.hit3 >= 0.9, result.misses
    assert result.hit1 >= 0.8, result.misses


def test_the_eval_command_prints_hit_at_1_and_3():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    res = subprocess.run([sys.executable, "-m", "ylada_app.testing.retrieval_eval"],
                         cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "retrieval[sqlite]: questions=60 hit@1=" in res.stdout and "hit@3=" in res.stdout
