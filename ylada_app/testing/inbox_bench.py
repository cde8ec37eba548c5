"""The team's inbox at scale: one business with 100,000 conversations and 2,000,000 messages
on PostgreSQL (seeded with COPY), then the server time of what the inbox page asks for.

    python -m ylada_app.testing.inbox_bench [--conversations N] [--messages M] [--runs R]

Needs DATABASE_URL (PostgreSQL; migrated, the bench business added) or TEST_PG_ADMIN_URL (a
fresh database is created). `make bench-inbox` starts a PostgreSQL on loopback and runs it.
Prints one line:
`inbox-bench: conversations=… messages=… seed_s=… list_ms=p50/max conversation_ms=p50/max
search_ms=p50/max` — list: the open tab and the bot tab, each page of 50; conversation: a
conversation with 5,000 messages opened (its latest 300, with the log lines among them);
search: by name, by phone, by common words of the messages and by rare ones (an order
number). Inbound texts draw from a small vocabulary, so every common word is in most
conversations — the hard case for a search that must return the newest ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import datetime, timedelta

from ylada_app.testing.pg_database import database_url

WORDS = ("oi", "bom", "dia", "boa", "tarde", "quero", "saber", "o", "preço", "do", "pedido",
         "entrega", "frete", "pix", "cartão", "boleto", "troca", "tamanho", "cor", "disponível",
         "amanhã", "hoje", "obrigado", "valeu", "endereço", "horário", "loja", "catálogo",
         "desconto", "promoção", "parcela", "atraso", "rastreio", "cancelar", "nota", "fiscal")
STATUSES = ("bot",) * 16 + ("human",) * 2 + ("closed",) + ("snoozed",)


def _database_url() -> str:
    return database_url("ylada_ibench")


def seed(url: str, *, conversations: int, messages: int, big: int,
         rng: random.Random) -> dict:
    import psycopg

    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.services import auth, instances
    from ylada_app.services import seed as seeding

    os.environ["DATABASE_URL"] = url
    reset_settings_cache()
    migrate(url)
    with session_scope() as s:
        seeding.seed_plans(s)
        user, tenant = auth.signup(s, name="Ana Bench", email=f"ibench-{os.getpid()}@ex.com.br",
                                   password="bench-12345", tenant_name="Loja Inbox Bench",
                                   email_verified=True)
        insts = [instances.create_instance(s, tenant_id=tenant.id, name=f"Loja {i + 1}",
                                           channel="simulator") for i in range(3)]
        tenant_id, user_id, inst_ids = tenant.id, user.id, [i.id for i in insts]
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    now = datetime.utcnow().replace(microsecond=0)
    with psycopg.connect(raw) as conn:
        base = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
                for t in ("contact", "conversation", "message", "conversation_log")}
        per_conv = max(1, (messages - big) // max(1, conversations - 1))
        counts = [per_conv] * conversations
        counts[0] = big
        counts[-1] += messages - sum(counts)
        convs = []
        with conn.cursor().copy(
                "COPY contact (id, tenant_id, instance_id, wa_id, name, tags, fields, opted_out,"
                " created_at, updated_at) FROM STDIN") as cp:
            for i in range(conversations):
                cid = base["contact"] + i + 1
                created = now - timedelta(minutes=rng.randint(60, 90 * 24 * 60))
                inst = inst_ids[i % 3]
                tags = json.dumps(rng.sample(["vip", "atacado", "novo", "troca"], k=i % 3))
                convs.append((base["conversation"] + i + 1, inst, created, cid))
                cp.write_row((cid, tenant_id, inst, f"55119{cid:08d}", f"Cliente {i}", tags,
                              json.dumps({"cidade": rng.choice(["SP", "RJ", "BH"])}), False,
                              created, created))
        # conversations first (the messages point at them); their "last message" after
        with conn.cursor().copy(
                "COPY conversation (id, tenant_id, instance_id, contact_id, status, session,"
                " created_at, updated_at, unread, assignee_user_id, human_since)"
                " FROM STDIN") as cp:
            for i, (conv_id, inst, created, cid) in enumerate(convs):
                status = STATUSES[i % len(STATUSES)] if i else "human"
                human = status == "human"
                cp.write_row((conv_id, tenant_id, inst, cid, status, "{}", created, created,
                              rng.randint(0, 3) if human else 0,
                              user_id if human and i % 3 == 0 else None,
                              created if human else None))
        last_at = {}
        with conn.cursor().copy(
                "COPY message (id, tenant_id, instance_id, conversation_id, direction, type,"
                " text, payload, status, attempts, created_at) FROM STDIN") as cp:
            mid = base["message"]
            for (conv_id, inst, created, _), n in zip(convs, counts, strict=True):
                t = created
                for k in range(n):
                    t = min(t + timedelta(seconds=rng.randint(5, 600)), now)
                    mid += 1
                    inbound = k % 2 == 0
                    text = " ".join(rng.choices(WORDS, k=rng.randint(3, 12)))
                    if inbound and rng.random() < 0.1:  # rare words too: order numbers
                        text += f" pedido {rng.randint(100_000, 999_999)}"
                    cp.write_row((mid, tenant_id, inst, conv_id, "in" if inbound else "out",
                                  "text", text, json.dumps({"type": "text", "text": text}),
                                  "processed" if inbound else "read", 0 if inbound else 1, t))
                last_at[conv_id] = (t, text)
        conn.execute("CREATE TEMP TABLE bench_last (id int, at timestamp, text text)")
        with conn.cursor().copy("COPY bench_last (id, at, text) FROM STDIN") as cp:
            for conv_id, (at, text) in last_at.items():
                cp.write_row((conv_id, at, text[:160]))
        conn.execute(
            "UPDATE conversation c SET last_message_at = b.at, last_inbound_at = b.at,"
            " updated_at = b.at, last_message_preview = b.text,"
            " last_message_from = 'customer',"
            " waiting_since = CASE WHEN c.status = 'human' THEN b.at END"
            " FROM bench_last b WHERE b.id = c.id")
        # what the pipeline keeps for the inbox search (services/inbox_search.remember)
        conn.execute(
            "UPDATE conversation c SET search_words = ('~t' || c.tenant_id::text)::tsvector"
            " || strip(to_tsvector('simple'::regconfig, translate(lower(s.body),"
            " 'áàâãäéèêëíìîïóòôõöúùûüçñ', 'aaaaaeeeeiiiiooooouuuucn')))"
            " FROM (SELECT conversation_id, string_agg(text, ' ') AS body FROM message"
            "       WHERE direction = 'in' GROUP BY conversation_id) s"
            " WHERE s.conversation_id = c.id")
        with conn.cursor().copy(
                "COPY conversation_log (id, tenant_id, conversation_id, kind, text, data,"
                " created_at) FROM STDIN") as cp:
            for j in range(200):  # the big conversation's system lines and notes
                at = convs[0][2] + timedelta(minutes=j * 30)
                cp.write_row((base["conversation_log"] + j + 1, tenant_id, convs[0][0],
                              "note" if j % 2 else "assigned", f"nota {j}", "{}", at))
        for table in ("contact", "conversation", "message", "conversation_log"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT MAX(id) FROM {table}))")
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    return {"tenant_id": tenant_id, "user_id": user_id, "big": convs[0][0],
            "seed_s": time.perf_counter() - started}


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(seeded: dict, runs: int) -> dict[str, list[float]]:
    from ylada_app.core.db import session_scope
    from ylada_app.services import agent_inbox

    tid, uid = seeded["tenant_id"], seeded["user_id"]

    def listing() -> None:
        with session_scope() as s:
            for tab in ("open", "bot"):
                rows = agent_inbox.list_conversations(s, tenant_id=tid, user_id=uid, tab=tab)
                assert rows
            agent_inbox.tab_counts(s, tenant_id=tid)

    def opening() -> None:
        with session_scope() as s:
            view = agent_inbox.conversation_view(s, tenant_id=tid,
                                                 conversation_id=seeded["big"])
            assert len(view.items) >= 300 and view.older

    queries = iter(["Cliente 4242", "1900042", "rastreio", "nota fiscal", "Cliente 99",
                    "boleto", "900012", "cancelar", "pedido 4829", "482913"] * runs)

    def searching() -> None:
        with session_scope() as s:
            agent_inbox.list_conversations(s, tenant_id=tid, user_id=uid, tab="bot",
                                           search=next(queries))

    listing(), opening(), searching()  # warm the caches as a running app has them
    return {"list": _time(listing, runs), "conversation": _time(opening, runs),
            "search": _time(searching, runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--big", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = _database_url()
    seeded = seed(url, conversations=args.conversations, messages=args.messages,
                  big=args.big, rng=random.Random(7))
    times = measure(seeded, args.runs)

    def fmt(values: list[float]) -> str:
        return f"{statistics.median(values):.0f}/{max(values):.0f}"

    print(f"inbox-bench: conversations={args.conversations} messages={args.messages} "
          f"seed_s={seeded['seed_s']:.0f} list_ms={fmt(times['list'])} "
          f"conversation_ms={fmt(times['conversation'])} search_ms={fmt(times['search'])}")


if __name__ == "__main__":
    main()
