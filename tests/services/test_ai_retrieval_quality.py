"""Retrieval quality on SQLite (FTS5 over stems) and PostgreSQL (to_tsvector 'portuguese'):
the older distributor example set, and the niche catalogs of testing/eval_catalogs (food,
fashion, beauty salon, courses, pet shop, bakery, gym, drugstore, optician, car repair and
fifteen more; 898 questions with paraphrases, misspellings, unaccented typing and
out-of-scope ones; the later ones written by someone who never saw the retrieval code),
whose floors are
checked on both of its splits — the held-out half was never looked at while tuning. Prints
the figures (`pytest -s`)."""

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


# Floors a little under what the code reaches (held-out over 25 niches, both databases:
# hit@1 0.842, hit@3 0.860, out of scope 0.95; the 18 older ones alone 0.881 / 0.898;
# among those the weakest are gym 0.77 / 0.77 and car repair 0.77 / 0.77 on their
# held-out halves): a change that loses ground fails here. The fifteen niches added last
# (florist, dental clinic, electronics store, burger shop, Japanese delivery, lunch boxes,
# açaí shop, pizzeria, pastry shop, cake shop, building materials, coffee shop, Arab food,
# skewer bar, barbershop) are far weaker (0.62–0.92 hit@1: paraphrases in the customer's
# words) and get floors of their own, under what they reach today.
FLOORS = {"hit1": 0.82, "hit3": 0.84, "oos": 0.9}
# (a niche has two out-of-scope questions a split: 0.5 is one of them with two items)
NICHE_FLOORS = {"hit1": 0.72, "hit3": 0.72, "oos": 0.5}
NEWEST_NICHE_FLOORS = {"hit1": 0.5, "hit3": 0.55, "oos": 0.5}
NEWEST_NICHES = ("floricultura", "odonto", "eletronicos", "hamburgueria", "japones",
                 "marmitaria", "acaiteria", "pizzaria", "pastelaria", "confeitaria", "materiais",
                 "cafeteria", "esfiharia", "espetinho", "barbearia")


@pytest.mark.parametrize("kind", [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not PG_ADMIN_URL, reason="needs PG")),
])
def test_niche_catalogs_hold_their_floors_on_both_splits(kind, capsys):
    url = new_sqlite_url("retrn") if kind == "sqlite" else new_database_url("ylada_retrn")
    migrate(url)
    engine = create_engine(normalize_url(url))
    with Session(engine, expire_on_commit=False) as session:
        results = retrieval_eval.run_all(session)
    engine.dispose()
    with capsys.disabled():
        print("\n" + "\n".join(retrieval_eval.report(kind, results, verbose=False)))
    for split in retrieval_eval.SPLITS:
        total = retrieval_eval.Score()
        for niche, scores in results.items():
            score = scores[split]
            total.add(score)
            floors = NEWEST_NICHE_FLOORS if niche in NEWEST_NICHES else NICHE_FLOORS
            assert score.hit1 >= floors["hit1"], (niche, split, score.line())
            assert score.hit3 >= floors["hit3"], (niche, split, score.line())
            assert score.oos >= floors["oos"], (niche, split, score.line())
        assert total.answerable + total.out_of_scope >= 120
        assert total.hit1 >= FLOORS["hit1"], (split, total.line())
        assert total.hit3 >= FLOORS["hit3"], (split, total.line())
        assert total.oos >= FLOORS["oos"], (split, total.line())


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
    for niche in retrieval_eval.NICHES:
        assert f"retrieval[sqlite] {niche:<8} held_out questions=" in res.stdout
    assert "out_of_scope_le1=" in res.stdout
