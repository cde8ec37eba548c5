"""Retrieval quality of the AI assistant, measured on catalogs of several niches.

Data (files, not code): `eval_catalogs/<niche>/` holds a catalog (catalogo.csv), an FAQ
(faq.csv) and customer questions (perguntas.json: the question, the keys of the items that
answer it — product code, or "faq:" + the FAQ's question — or [] for a question the
business cannot answer, and its type: direto, parafrase, erro (misspelt), sem acento,
fora (out of scope)). The questions were written before the synonym lists of
services/lexicon/, and every second question of a niche (odd position) is the *held-out*
split: tuning looks only at the misses of the other split (`--verbose` lists those only).
The petshop niche has no synonym list of its own on purpose. The bakery (padaria) and gym
(academia) niches came later, written by someone who had not seen the retrieval code or the
lists: their first measurement (hit@1 0.82 / 0.77 on held-out) is what an unseen catalog
gets. The drugstore, optical shop and car repair niches (farmacia, otica, mecanica; 30
questions each) were written the same way on 2026-12-02: first measurement hit@1 0.77 /
0.71 / 0.69 (tuning) and 0.85 / 0.92 / 0.77 (held-out), before their word lists existed.
The flower shop, dental clinic and electronics store niches (floricultura, odonto,
eletronicos; 30 questions each) were written the same way on 2026-12-02 (later that day):
first measurement hit@1 0.75 / 0.77 / 0.69 (tuning) and 0.71 / 0.69 / 0.62 (held-out) —
none of the built-in lists is theirs. Their lists (flores, odonto, eletronicos) were
then written by someone who had seen neither the questions nor the catalogs; with them,
the niche weighting and phrase splitting: tuning 0.83 / 0.77 / 0.77, held-out 0.71 /
0.77 / 0.54 — the lists help where they were aimed but do not carry over to unseen
wordings, and all 13 niches together stay at held-out hit@1 0.874 (0.883 before).
Three food niches (hamburgueria, japones, marmitaria; 30 questions each, dietary needs
told as health conditions) were written the same way on 2026-12-02 (evening): first
measurement hit@1 0.69 / 0.85 / 0.77 (tuning) and 0.77 / 0.69 / 0.85 (held-out). Then a
real word is no longer "fixed" into a catalog word ("fome" → "formas", "maior" → "micro"):
held-out 0.77 / 0.77 / 0.85, all 16 niches 0.859 → 0.866 (tuning 0.896 → 0.892). A
440-group food word list by someone who had seen neither questions nor catalogs made all
16 niches worse (held-out 0.855) and was left out.
On 2026-12-03 helpers who had seen neither questions nor catalogs wrote a 170-group
general list (geral.txt) and 100 more WhatsApp spellings: held-out hit@3 0.888 → 0.896,
out-of-scope 0.932 → 0.955, tuning unchanged. Their food, beauty, gym, pet, retail and
education lists moved all 16 niches by at most one question either way and were left out.
Two more food niches (acaiteria, pizzaria; 30 questions each) were written the same way
on 2026-12-03, after those lists: first measurement hit@1 0.69 / 0.85 (tuning) and 0.77 /
0.77 (held-out); the blind food list, tried on them once, gave açaí held-out 0.62 and pizza
0.85 — no better on catalogs it was not written for either.
Loanwords as customers spell them ("estrogonofe", "milk shake", "beicon", "blutu",
"cropet"; lists food, electronics, retail, services) were added after that: held-out
0.861 → 0.864 / 0.888 → 0.892; a list phrase whose words the catalog never has together
read word by word, and opening days as phrases of the hours group: held-out hit@1 0.868.
One item scoring twice the runner-up kept alone under the coverage floor, and "niver":
tuning 0.895 → 0.898, held-out unchanged (a factor of 1.5, equal on tuning, would give
held-out 0.875; 2 was kept, not chosen on held-out). More stop words ("nunca", "vem",
"conseguem") cost held-out 0.007 and were left out.
Three more niches (pastelaria, confeitaria, materiais — a pastry shop, a cake shop, a
building-materials store; 30 questions each) were written the same way on 2026-12-03
(late morning): first measurement hit@1 0.77 / 0.54 / 0.69 (tuning) and 0.85 / 0.69 /
0.54 (held-out); 21 niches together 0.871 / 0.847. Eight of their 13 tuning misses found
nothing at all: a question told as a story covered at most 0.2–0.25 of its words. The
best-covering item now goes to the model alone down to 0.2, and a clearly dominant one
(1.5 times the runner-up): 21 niches tuning 0.871 → 0.907, held-out 0.847 → 0.862, the
share of out-of-scope questions with no item 0.46 / 0.50 → 0.39 / 0.44 (with at most one
unchanged). Four more (cafeteria, esfiharia, espetinho, barbearia — a coffee shop, an Arab
food delivery, a skewer bar, a barbershop) written the same way after that: first
measurement hit@1 0.85 / 0.85 / 0.69 / 0.69 (tuning) and 0.69 / 0.62 / 0.85 / 0.69
(held-out). Word-list entries for their tuning misses (booking a time, a cold or
incomplete order, doneness of meat, spicy, beard care…) left their held-out halves where
they were: 25 niches tuning 0.909 / 0.938, held-out 0.842 / 0.860; the 18 older ones
0.922 / 0.953 and 0.881 / 0.898 (0.898 / 0.932 and 0.868 / 0.892 in the morning). A boost
for items serving as many people as the question names ("somos em 4" → "Serve 4
pessoas"), a word list for building materials written blind, and weaker coverage for
words found only in a description were tried and left out (no gain, or a loss, on the
tuning halves).
`examples/` is the older distributor set (60 questions), reported on its own.

Per niche and split: hit@1 / hit@3 over answerable questions, and out-of-scope precision:
the share of out-of-scope questions that reach the model with at most one item
(`out_of_scope_le1`), and with none (`out_of_scope_none`).

    python -m ylada_app.testing.retrieval_eval                  # a fresh SQLite file
    python -m ylada_app.testing.retrieval_eval --database-url postgresql+psycopg://…/db
                                                                # an EMPTY database to use
    python -m ylada_app.testing.retrieval_eval --all-databases  # SQLite, then PostgreSQL
                                                                # (a fresh database made
                                                                # with TEST_PG_ADMIN_URL)
`make ai-eval` runs the last one with a private PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE / "examples"
CATALOGS = HERE / "eval_catalogs"
NICHES = ("comida", "moda", "beleza", "cursos", "petshop", "padaria", "academia", "farmacia",
          "otica", "mecanica", "floricultura", "odonto", "eletronicos", "hamburgueria",
          "japones", "marmitaria", "acaiteria", "pizzaria", "pastelaria", "confeitaria",
          "materiais", "cafeteria", "esfiharia", "espetinho", "barbearia")
SPLITS = ("tuning", "held_out")


@dataclass
class EvalResult:
    total: int
    hit1: float
    hit3: float
    misses: list[tuple[str, str, list[str]]]


@dataclass
class Score:
    answerable: int = 0
    at1: int = 0
    at3: int = 0
    out_of_scope: int = 0
    oos_ok: int = 0
    oos_none: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.answerable += other.answerable
        self.at1 += other.at1
        self.at3 += other.at3
        self.out_of_scope += other.out_of_scope
        self.oos_ok += other.oos_ok
        self.oos_none += other.oos_none

    @property
    def hit1(self) -> float:
        return self.at1 / self.answerable if self.answerable else 0.0

    @property
    def hit3(self) -> float:
        return self.at3 / self.answerable if self.answerable else 0.0

    @property
    def oos(self) -> float:
        return self.oos_ok / self.out_of_scope if self.out_of_scope else 1.0

    @property
    def oos_none_share(self) -> float:
        return self.oos_none / self.out_of_scope if self.out_of_scope else 1.0

    def line(self) -> str:
        return (f"questions={self.answerable + self.out_of_scope} hit@1={self.hit1:.3f} "
                f"hit@3={self.hit3:.3f} out_of_scope_le1={self.oos:.3f} "
                f"out_of_scope_none={self.oos_none_share:.3f}")


# --- the older distributor set -------------------------------------------------------------

def questions() -> list[tuple[str, str]]:
    return [tuple(q) for q in json.loads((EXAMPLES / "perguntas.json").read_text("utf-8"))]


def load_examples(session: Session, *, tenant_id: int, instance_id: int) -> int:
    return _load(session, tenant_id, instance_id, EXAMPLES)


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


# --- the niche catalogs --------------------------------------------------------------------

def niche_questions(niche: str) -> list[dict]:
    rows = json.loads((CATALOGS / niche / "perguntas.json").read_text("utf-8"))
    for n, row in enumerate(rows):
        row["split"] = SPLITS[n % 2]
    return rows


def _load(session: Session, tenant_id: int, instance_id: int, folder: Path) -> int:
    from ylada_app.services import knowledge

    n = knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                filename="catalogo.csv",
                                data=(folder / "catalogo.csv").read_bytes(), kind="product")
    n += knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                 filename="faq.csv", data=(folder / "faq.csv").read_bytes(),
                                 kind="faq")
    return n


def load_niche(session: Session, niche: str, *, tenant_id: int, instance_id: int) -> int:
    return _load(session, tenant_id, instance_id, CATALOGS / niche)


def evaluate_niche(session: Session, niche: str, *, tenant_id: int,
                   instance_id: int) -> dict[str, Score]:
    """Split → score. Misses are recorded for the tuning split only."""
    from ylada_app.services import knowledge

    scores = {split: Score() for split in SPLITS}
    for row in niche_questions(niche):
        score = scores[row["split"]]
        hits = knowledge.search(session, tenant_id=tenant_id, instance_id=instance_id,
                                question=row["q"], k=5)
        keys = [_key(h.item) for h in hits]
        expected = row["expect"]
        if not expected:
            score.out_of_scope += 1
            ok = len(keys) <= 1
            score.oos_ok += ok
            score.oos_none += not keys
        else:
            score.answerable += 1
            score.at1 += bool(keys[:1]) and keys[0] in expected
            score.at3 += any(k in expected for k in keys[:3])
            ok = bool(keys[:1]) and keys[0] in expected
        if not ok and row["split"] == "tuning":
            score.misses.append(f"{row['q']!r} ({row['type']}) expected "
                                f"{expected or 'no item'} got {keys}")
    return scores


def _setup(session: Session, niche: str = "distribuidores") -> tuple[int, int]:
    from ylada_app.services import auth, instances

    email = f"eval-{secrets.token_hex(5)}@exemplo.com.br"
    _user, tenant = auth.signup(session, name="Avaliação", email=email,
                                password="avaliacao-" + secrets.token_hex(8),
                                tenant_name="Negócio Avaliação", niche=niche)
    inst = instances.create_instance(session, tenant_id=tenant.id, name="Avaliação",
                                     channel="simulator")
    return tenant.id, inst.id  # type: ignore[return-value]


def run_all(session: Session) -> dict[str, dict[str, Score]]:
    """Every niche in its own business (plus one more business holding every catalog, so
    that other businesses' items are present in the same tables)."""
    results: dict[str, dict[str, Score]] = {}
    noise_tenant, noise_instance = _setup(session)
    for niche in NICHES:
        load_niche(session, niche, tenant_id=noise_tenant, instance_id=noise_instance)
    load_examples(session, tenant_id=noise_tenant, instance_id=noise_instance)
    for niche in NICHES:
        tenant_id, instance_id = _setup(session)
        load_niche(session, niche, tenant_id=tenant_id, instance_id=instance_id)
        session.commit()
        results[niche] = evaluate_niche(session, niche, tenant_id=tenant_id,
                                        instance_id=instance_id)
    return results


def report(dialect: str, results: dict[str, dict[str, Score]], verbose: bool) -> list[str]:
    lines = []
    totals = {split: Score() for split in SPLITS}
    for niche, scores in results.items():
        for split in SPLITS:
            totals[split].add(scores[split])
            lines.append(f"retrieval[{dialect}] {niche:<8} {split:<8} {scores[split].line()}")
    for split in SPLITS:
        lines.append(f"retrieval[{dialect}] ALL      {split:<8} {totals[split].line()}")
    if verbose:
        for niche, scores in results.items():
            lines += [f"  miss[{niche}]: {m}" for m in scores["tuning"].misses]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--verbose", action="store_true",
                        help="list the misses of the tuning split (never the held-out one)")
    parser.add_argument("--all-databases", action="store_true",
                        help="SQLite, then PostgreSQL (needs TEST_PG_ADMIN_URL)")
    args = parser.parse_args(argv)
    if args.all_databases:
        return _all_databases(args.verbose)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='ylada-eval-')}/eval.db"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="ylada-eval-data-"))
    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache

    reset_settings_cache()
    migrate(url)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    with session_scope() as session:
        tenant_id, instance_id = _setup(session)
        load_examples(session, tenant_id=tenant_id, instance_id=instance_id)
        result = evaluate(session, tenant_id=tenant_id, instance_id=instance_id)
        niches = run_all(session)
    print(f"retrieval[{dialect}]: questions={result.total} hit@1={result.hit1:.3f} "
          f"hit@3={result.hit3:.3f}")
    for line in report(dialect, niches, args.verbose):
        print(line)
    if args.verbose:
        for question, expected, keys in result.misses:
            print(f"  miss[examples]: {question!r} expected {expected} got {keys}")
    return 0 if result.hit3 >= 0.9 else 1


def _all_databases(verbose: bool) -> int:
    import subprocess

    admin = os.environ.get("TEST_PG_ADMIN_URL", "")
    urls = [""]
    if admin:
        from ylada_app.testing.pg_database import fresh_database

        urls.append(fresh_database("ylada_eval", admin))
    else:
        print("retrieval[postgresql]: skipped (no TEST_PG_ADMIN_URL)")
    code = 0
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    for url in urls:
        cmd = [sys.executable, "-m", "ylada_app.testing.retrieval_eval"]
        cmd += ["--database-url", url] if url else []
        cmd += ["--verbose"] if verbose else []
        code = max(code, subprocess.run(cmd, env=env).returncode)
    return code


if __name__ == "__main__":
    sys.exit(main())
