"""Retrieval speed of the AI assistant at scale on PostgreSQL: many businesses, each with a
large catalog, and the time of `knowledge.search` (what every AI answer runs first).

    python -m ylada_app.testing.ai_bench [--businesses 1000] [--items 5000] [--queries 2000]

Needs DATABASE_URL (PostgreSQL, an empty database) or TEST_PG_ADMIN_URL (a fresh database
is created). `make bench-ai` starts a PostgreSQL on loopback and runs it; AI_BENCH_BUSINESSES
/ AI_BENCH_ITEMS / AI_BENCH_QUERIES override the sizes there. Prints one line:
`ai-bench: businesses=… items=… search_p50_ms=… search_p99_ms=… seed_s=…`
(`items` is per business). Each business gets the catalog of one of the evaluation niches
(testing/eval_catalogs) grown to the size asked by variants (brands, colours, sizes), so
the same words recur across thousands of businesses — the case where one index over
everybody's items would be slow; the questions are the evaluation's own customer
questions, asked of random businesses, one at a time, each in its own transaction.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime

from ylada_app.testing.pg_database import database_url
from ylada_app.testing.retrieval_eval import CATALOGS, NICHES

VARIANTS = ("Tradicional", "Especial", "Premium", "Clássico", "Gourmet", "Light", "Kids",
            "Plus", "Master", "Mini", "Max", "Eco", "Deluxe", "Básico", "Pro", "Vintage",
            "Azul", "Verde", "Vermelho", "Preto", "Branco", "Rosa", "Cinza", "Bege", "Marrom",
            "Dourado", "Prata", "Amarelo", "Laranja", "Lilás", "Nacional", "Importado",
            "Artesanal", "Caseiro", "Orgânico", "Integral", "Zero", "Duplo", "Triplo",
            "Família", "Individual", "Promoção", "Edição Limitada", "Verão", "Inverno",
            "Outono", "Primavera", "Natal", "Páscoa", "Festa")
SIZES = ("P", "M", "G", "GG", "100g", "250g", "500g", "1kg", "2kg", "300ml", "500ml", "1L",
         "2L", "Nº 1", "Nº 2", "Nº 3", "30 min", "60 min", "90 min", "Pacote 4", "Pacote 8")


def _database_url() -> str:
    return database_url("ylada_aibench")


def _base_items(niche: str) -> list[dict]:
    """The niche's catalog and FAQ rows, each analysed once."""
    from ylada_app.services import knowledge_text as kt

    rows = []
    with open(CATALOGS / niche / "catalogo.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            rows.append({"kind": "product", "title": r["nome"], "body": r["descrição"],
                         "price": "R$ " + r["preço"], "sku": r["sku"],
                         "category": r["categoria"]})
    with open(CATALOGS / niche / "faq.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append({"kind": "faq", "title": r["pergunta"], "body": r["resposta"],
                         "price": None, "sku": None, "category": r["categoria"]})
    for r in rows:
        r["title_stems"] = " ".join(kt.stems(r["title"]))
        r["body_stems"] = " ".join(dict.fromkeys(kt.stems(r["body"])))
        r["cat_stems"] = " ".join(kt.stems(r["category"]))
        r["text"] = kt.normal_text(" ".join([r["title"], r["category"], r["body"]]))
    return rows


def seed(url: str, *, businesses: int, items: int, rng: random.Random) -> list[tuple]:
    """Businesses (tenant + instance) and their items; returns (tenant, instance, niche)."""
    import psycopg

    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.services import auth, instances, knowledge_search
    from ylada_app.services import knowledge_text as kt

    os.environ["DATABASE_URL"] = url
    reset_settings_cache()
    migrate(url)
    with session_scope() as s:
        _user, tenant = auth.signup(s, name="Bench", email=f"aibench-{os.getpid()}@ex.com.br",
                                    password="bench-12345", tenant_name="Bench IA")
        inst = instances.create_instance(s, tenant_id=tenant.id, name="Bench",
                                         channel="simulator")
        tpl_tenant, tpl_inst = tenant.id, inst.id
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw) as conn:
        # clone the template business; unique columns get the new row's number
        def columns(table: str) -> list[str]:
            return [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND column_name <> 'id' ORDER BY ordinal_position", (table,))]

        tcols = columns("tenant")
        conn.execute(
            f"INSERT INTO tenant ({', '.join(tcols)}) SELECT "
            + ", ".join("slug || '-' || g" if c == "slug" else c for c in tcols)
            + " FROM tenant, generate_series(1, %s) g WHERE id = %s",
            (businesses - 1, tpl_tenant))
        icols = columns("instance")
        conn.execute(
            f"INSERT INTO instance ({', '.join(icols)}) SELECT "
            + ", ".join("t.id" if c == "tenant_id" else
                        "i.webhook_key || '-' || t.id" if c == "webhook_key" else f"i.{c}"
                        for c in icols)
            + " FROM instance i, tenant t WHERE i.id = %s AND t.id <> %s ORDER BY t.id",
            (tpl_inst, tpl_tenant))
        pairs = conn.execute("SELECT tenant_id, id FROM instance ORDER BY tenant_id").fetchall()
        conn.commit()
        bases = {n: _base_items(n) for n in NICHES}
        var_stems = {v: " ".join(kt.stems(v)) for v in VARIANTS + SIZES}
        var_text = {v: kt.normal_text(v) for v in VARIANTS + SIZES}
        now = datetime.utcnow().replace(microsecond=0)
        out = []
        dfs: list[Counter] = []
        for r in (r for rows in bases.values() for r in rows):
            r["stem_set"] = frozenset(
                f"{r['title_stems']} {r['cat_stems']} {r['body_stems']}".split())
        with conn.cursor().copy(
                "COPY knowledge_item (tenant_id, instance_id, kind, title, body, price, sku,"
                " category, extra, search_text, search_stems, source, created_at, updated_at)"
                " FROM STDIN") as cp:
            for b, (tenant_id, instance_id) in enumerate(pairs):
                niche = NICHES[b % len(NICHES)]
                out.append((tenant_id, instance_id, niche))
                base = bases[niche]
                df: Counter = Counter()
                dfs.append(df)
                for n in range(items):
                    row = base[n % len(base)]
                    if n < len(base):  # the catalog itself, then its variants
                        title, tstems, text = row["title"], row["title_stems"], row["text"]
                        df.update(row["stem_set"])
                    else:
                        v, z = rng.choice(VARIANTS), rng.choice(SIZES)
                        title = f"{row['title']} {v} {z}"
                        tstems = f"{row['title_stems']} {var_stems[v]} {var_stems[z]}"
                        text = f"{row['text']} {var_text[v]} {var_text[z]}"
                        df.update(row["stem_set"].union(var_stems[v].split(),
                                                        var_stems[z].split()))
                    sku = f"{row['sku']}-{n}" if row["sku"] else None
                    meta = row["cat_stems"] + (" " + " ".join(kt.stems(sku)) if sku else "")
                    if sku:
                        df.update(set(kt.stems(sku)) - row["stem_set"])
                    cp.write_row((tenant_id, instance_id, row["kind"], title[:300], row["body"],
                                  row["price"], sku, row["category"], "{}", text,
                                  kt.FIELD_SEP.join([tstems, meta, row["body_stems"]]),
                                  "bench", now, now))
        # what knowledge.refresh_vocabulary keeps: every business's distinct words
        with conn.cursor().copy("COPY knowledge_vocab (tenant_id, instance_id, words, items,"
                                " updated_at) FROM STDIN") as cp:
            for (tenant_id, instance_id, _), df in zip(out, dfs, strict=True):
                cp.write_row((tenant_id, instance_id, kt.vocabulary_row(df), items, now))
        conn.commit()
        # … and its postings (one statement per business, as refresh_vocabulary writes them)
        sql = re.sub(r"(?<!:):([it])\b", r"%(\1)s", knowledge_search.POSTINGS_SQL)
        for tenant_id, instance_id, _ in out:
            conn.execute(sql, {"t": tenant_id, "i": instance_id})
        conn.commit()
    with psycopg.connect(raw, autocommit=True) as conn:
        # what autovacuum does on a live database (the item count reads the index only)
        conn.execute("VACUUM ANALYZE knowledge_item")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--businesses", type=int,
                        default=int(os.environ.get("AI_BENCH_BUSINESSES", 1000)))
    parser.add_argument("--items", type=int, default=int(os.environ.get("AI_BENCH_ITEMS", 5000)))
    parser.add_argument("--queries", type=int,
                        default=int(os.environ.get("AI_BENCH_QUERIES", 2000)))
    args = parser.parse_args(argv)
    rng = random.Random(20)
    url = _database_url()
    started = time.perf_counter()
    businesses = seed(url, businesses=args.businesses, items=args.items, rng=rng)
    seed_s = time.perf_counter() - started
    from sqlmodel import Session

    from ylada_app.core.db import get_engine
    from ylada_app.services import knowledge

    asked = {n: [q["q"] for q in json.loads(
        (CATALOGS / n / "perguntas.json").read_text("utf-8"))] for n in NICHES}
    engine = get_engine()
    times: list[float] = []
    found = 0
    for n in range(args.queries + 50):
        tenant_id, instance_id, niche = rng.choice(businesses)
        question = rng.choice(asked[niche])
        with Session(engine) as session:
            t0 = time.perf_counter()
            hits = knowledge.search(session, tenant_id=tenant_id, instance_id=instance_id,
                                    question=question, k=5)
            elapsed = (time.perf_counter() - t0) * 1000
        if n >= 50:  # the first ones warm the connection pool and the code
            times.append(elapsed)
            found += bool(hits)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"ai-bench: businesses={len(businesses)} items={args.items} "
          f"total_items={len(businesses) * args.items} queries={len(times)} "
          f"search_p50_ms={statistics.median(times):.1f} search_p99_ms={p99:.1f} "
          f"search_max_ms={times[-1]:.1f} answered={found / len(times):.2f} "
          f"seed_s={seed_s:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
