"""Analytics at scale: seed one tenant with N messages (default 1,000,000) over D days (90) on
PostgreSQL with COPY, fold them into the rollups, then time the dashboard's queries.

    python -m ylada_app.testing.analytics_bench [--messages N] [--days D] [--verify]

Needs DATABASE_URL (a PostgreSQL database; it is migrated, and the bench tenant added) or
TEST_PG_ADMIN_URL (a fresh database is created). `make bench-analytics` starts a PostgreSQL on
loopback and runs it. Prints one line:
`analytics-bench: messages=… events=… seed_s=… rollup_s=… rollup_rows=… dashboard_7d_ms=p50/max …`
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from ylada_app.testing.pg_database import database_url

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    return database_url("ylada_abench")


def _hour_weights() -> list[float]:
    # Local (UTC-3) activity: quiet at night, peaks late morning and evening.
    local = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3.5, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5,
             3, 3.5, 3.5, 3, 1.5, 0.6]
    return [local[(h - 3) % 24] for h in range(24)]  # index = UTC hour


def seed(url: str, *, messages: int, days: int, end: date, rng: random.Random) -> dict:
    import psycopg

    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.services import auth, flows, instances
    from ylada_app.services import seed as seeding

    os.environ["DATABASE_URL"] = url
    reset_settings_cache()
    migrate(url)
    menu = json.loads((ROOT / "ylada_app/engine/examples/menu.json").read_text())
    node_ids = [n["id"] for n in menu["nodes"]]
    with session_scope() as s:
        seeding.seed_plans(s)
        email = f"bench-{os.getpid()}-{rng.randint(0, 10**6)}@exemplo.com.br"
        _, tenant = auth.signup(s, name="Bench", email=email, password="bench-12345",
                                tenant_name="Loja Analytics Bench")
        insts = [instances.create_instance(s, tenant_id=tenant.id, name=f"Loja {i + 1}",
                                           channel="simulator") for i in range(3)]
        flow_ids = [str(flows.create_flow(s, tenant_id=tenant.id, instance_id=insts[i % 3].id,
                                          name=f"Fluxo {i + 1}", definition=menu).id)
                    for i in range(4)]
        tenant_id, inst_ids = tenant.id, [i.id for i in insts]
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    with psycopg.connect(raw) as conn:
        # Real numbers, not simulators: they count in the default dashboard.
        conn.execute("UPDATE instance SET channel = 'whatsapp_cloud' WHERE tenant_id = %s",
                     (tenant_id,))
        base = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
                for t in ("contact", "conversation", "message", "analytics_event")}
        # The days are São Paulo days (UTC-3): local midnight is 03:00 UTC.
        start = datetime.combine(end - timedelta(days=days - 1), datetime.min.time()) + \
            timedelta(hours=3)
        weights = _hour_weights()
        hours = [start + timedelta(hours=h) for h in range(days * 24)]
        hour_w = [weights[h.hour] * (1.0 + 0.3 * (h.weekday() < 5)) for h in hours]
        per_conv = 16
        n_convs = max(1, messages // per_conv)
        conv_hours = rng.choices(hours, weights=hour_w, k=n_convs)
        conv_hours.sort()
        convs = []  # (id, instance, created)
        with conn.cursor().copy(
                "COPY contact (id, tenant_id, instance_id, wa_id, name, tags, fields, opted_out,"
                " created_at, updated_at) FROM STDIN") as cp:
            for i, h in enumerate(conv_hours):
                cid = base["contact"] + i + 1
                when = h + timedelta(seconds=rng.randint(0, 3599))
                inst = inst_ids[rng.randrange(3)]
                convs.append((base["conversation"] + i + 1, inst, when, cid))
                cp.write_row((cid, tenant_id, inst, f"55119{cid:08d}", f"Cliente {i}", "[]",
                              json.dumps({"email": f"c{i}@exemplo.com.br"}), False, when, when))
        with conn.cursor().copy(
                "COPY conversation (id, tenant_id, instance_id, contact_id, status, session,"
                " created_at, updated_at) FROM STDIN") as cp:
            for conv_id, inst, when, cid in convs:
                cp.write_row((conv_id, tenant_id, inst, cid, "bot", "{}", when, when))
        horizon = start + timedelta(days=days) - timedelta(seconds=1)
        counts = [per_conv] * n_convs
        counts[-1] += messages - per_conv * n_convs
        mid = base["message"]
        with conn.cursor().copy(
                "COPY message (id, tenant_id, instance_id, conversation_id, direction, type,"
                " text, payload, status, attempts, created_at) FROM STDIN") as cp:
            for (conv_id, inst, when, _), n in zip(convs, counts, strict=True):
                t = when
                for k in range(n):
                    t = min(t + timedelta(seconds=rng.randint(2, 900)), horizon)
                    mid += 1
                    inbound = k % 2 == 0
                    cp.write_row((mid, tenant_id, inst, conv_id, "in" if inbound else "out",
                                  "text", "oi" if inbound else "Olá!", "{}",
                                  "processed" if inbound else "read", 0 if inbound else 1, t))
        eid = base["analytics_event"]
        with conn.cursor().copy(
                "COPY analytics_event (id, tenant_id, instance_id, conversation_id, type,"
                " flow_id, node_id, data, created_at) FROM STDIN") as cp:
            for conv_id, inst, when, _ in convs:
                flow = flow_ids[rng.randrange(len(flow_ids))]
                depth = rng.randint(2, len(node_ids))
                rows = [("flow_started", None)] + [("node_visited", n) for n in node_ids[:depth]]
                if rng.random() < 0.3:
                    rows.append(("goal_reached", None))
                if rng.random() < 0.05:
                    rows.append(("handoff", None))
                if rng.random() < 0.2:
                    rows.append(("ai_reply", None))
                t = when
                for kind, node in rows:
                    t = min(t + timedelta(seconds=rng.randint(1, 120)), horizon)
                    eid += 1
                    cp.write_row((eid, tenant_id, inst, conv_id, kind, flow, node, "{}", t))
        for table, col in (("contact", "id"), ("conversation", "id"), ("message", "id"),
                           ("analytics_event", "id")):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), "
                         f"(SELECT MAX({col}) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    return {"tenant_id": tenant_id, "messages": mid - base["message"],
            "events": eid - base["analytics_event"], "contacts": len(convs),
            "seed_s": time.perf_counter() - started}


def _time(fn, runs: int) -> tuple[float, float]:
    fn()  # warm (connections, plans)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--verify", action="store_true",
                        help="also recompute the tenant's figures from the raw rows and compare")
    args = parser.parse_args(argv)
    os.environ.setdefault("YLADA_ENV", "test")
    os.environ.setdefault("SECRET_KEY", "analytics-bench-" + "x" * 40)
    url = _database_url()
    rng = random.Random(2026)
    end = date.today() - timedelta(days=1)  # whole past days (rows in the future wait)
    info = seed(url, messages=args.messages, days=args.days, end=end, rng=rng)
    print(f"[bench] seeded {info['messages']} messages, {info['events']} events, "
          f"{info['contacts']} contacts in {info['seed_s']:.1f} s", file=sys.stderr)

    from sqlalchemy import text

    from ylada_app.core.db import get_engine, session_scope
    from ylada_app.services import analytics, analytics_rollup
    from ylada_app.services.analytics_admin import SYSTEM, admin_dashboard

    t0 = time.perf_counter()
    analytics_rollup.refresh(settle_s=0)
    rollup_s = time.perf_counter() - t0
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE analytics_rollup"))
        rollup_rows = conn.execute(text("SELECT COUNT(*) FROM analytics_rollup WHERE "
                                        "tenant_id = :t"), {"t": info["tenant_id"]}).scalar()
    print(f"[bench] rollup of {info['messages'] + info['events'] + info['contacts']} raw rows "
          f"in {rollup_s:.1f} s -> {rollup_rows} rollup rows", file=sys.stderr)

    results = {}
    sample = {}
    for period in ("7d", "30d", "90d"):
        def load(period=period):
            with session_scope() as s:
                sample[period] = analytics.dashboard(s, tenant_id=info["tenant_id"],
                                                     period=period, today=end)
        results[period] = _time(load, args.runs)

    def admin():
        with session_scope() as s:
            admin_dashboard(s, SYSTEM)
    results["admin"] = _time(admin, max(3, args.runs // 2))
    total = sample["90d"]["totals"]
    assert total["msg_in"] + total["msg_out"] == info["messages"], (total, info["messages"])
    verified = "skipped"
    if args.verify:
        with session_scope() as s:
            verified = "ok" if analytics_rollup.stored(s, tenant_id=info["tenant_id"]) == \
                analytics_rollup.recompute(s, tenant_id=info["tenant_id"]) else "MISMATCH"
    print("analytics-bench: " + " ".join([
        f"messages={info['messages']}", f"events={info['events']}",
        f"contacts={info['contacts']}", f"seed_s={info['seed_s']:.1f}",
        f"rollup_s={rollup_s:.1f}", f"rollup_rows={rollup_rows}",
        *[f"dashboard_{p}_ms={results[p][0]:.0f}/{results[p][1]:.0f}"
          for p in ("7d", "30d", "90d")],
        f"admin_ms={results['admin'][0]:.0f}/{results['admin'][1]:.0f}",
        f"totals_match=yes verify={verified}"]))
    return 0 if verified != "MISMATCH" else 1


if __name__ == "__main__":
    raise SystemExit(main())
