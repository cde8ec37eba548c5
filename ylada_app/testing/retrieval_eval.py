"""Retrieval quality on the example pt-BR catalog (48 products) and FAQ (12 Q&As):
60 customer questions, each with the item that should come back. Prints hit@1 and hit@3.

    python -m ylada_app.testing.retrieval_eval                  # a fresh SQLite file
    python -m ylada_app.testing.retrieval_eval --database-url postgresql+psycopg://…/db
                                                                # an EMPTY database to use

The database is migrated to head; a throw-away tenant and instance hold the knowledge.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

EXAMPLES = Path(__file__).resolve().parent / "examples"


@dataclass
class EvalResult:
    total: int
    hit1: float
    hit3: float
    misses: list[tuple[str, str, list[str]]]


def questions() -> list[tuple[str, str]]:
    return [tuple(q) for q in json.loads((EXAMPLES / "perguntas.json").read_text("utf-8"))]


def load_examples(session: Session, *, tenant_id: int, instance_id: int) -> int:
    from ylada_app.services import knowledge

    n = knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                filename="catalogo.csv",
                                data=(EXAMPLES / "catalogo.csv").read_bytes(), kind="product")
    n += knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                 filename="faq.csv", data=(EXAMPLES / "faq.csv").read_bytes(),
                                 kind="faq")
    return n


def _key(item) -> str:
    return item.sku if item.kind == "product" and item.sku else f"faq:{item.title}"


def evaluate(session: Session, *, tenant_id: int, instance_id: int) -> EvalResult:
    from ylada_app.services import knowledge

    qs = questions()
    at1 = at3 = 0
    misses = []
    for question, expected in qs:
        hits = knowledge.search(session, tenant_id=tenant_id, instance_id=instance_id,
                                question=question, k=3)
        keys = [_key(h.item) for h in hits]
        at1 += bool(keys[:1] == [expected])
        at3 += expected in keys
        if keys[:1] != [expected]:
            misses.append((question, expected, keys))
    return EvalResult(len(qs), at1 / len(qs), at3 / len(qs), misses)


def _setup(session: Session) -> tuple[int, int]:
    from ylada_app.services import auth, instances

    email = f"eval-{secrets.token_hex(5)}@exemplo.com.br"
    _user, tenant = auth.signup(session, name="Avaliação", email=email,
                                password="avaliacao-" + secrets.token_hex(8),
                                tenant_name="Distribuidora Avaliação", niche="distribuidores")
    inst = instances.create_instance(session, tenant_id=tenant.id, name="Avaliação",
                                     channel="simulator")
    return tenant.id, inst.id  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--verbose", action="store_true", help="list the misses at 1")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='ylada-eval-')}/eval.db"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="ylada-eval-data-"))
    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache

    reset_settings_cache()
    migrate(url)
    with session_scope() as session:
        tenant_id, instance_id = _setup(session)
        load_examples(session, tenant_id=tenant_id, instance_id=instance_id)
        result = evaluate(session, tenant_id=tenant_id, instance_id=instance_id)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    print(f"retrieval[{dialect}]: questions={result.total} hit@1={result.hit1:.3f} "
          f"hit@3={result.hit3:.3f}")
    if args.verbose:
        for question, expected, keys in result.misses:
            print(f"  miss: {question!r} expected {expected} got {keys}")
    return 0 if result.hit3 >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
