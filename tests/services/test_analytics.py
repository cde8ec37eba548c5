"""Analytics rollups and the tenant dashboard: rollups agree with a recomputation from the raw
rows, runs are incremental and idempotent, days follow the tenant's timezone, funnels count
each conversation once, status webhooks never double count, tenants see only their own
figures, and bad periods/instances get pt-BR messages."""

from __future__ import annotations

import random
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import PG_ADMIN_URL
from tests.factories import make_admin, make_instance, make_owner
from ylada_app.core.db import get_engine
from ylada_app.models import (
    AnalyticsCursor,
    AnalyticsEvent,
    Contact,
    Conversation,
    Message,
    Tenant,
    UsageCounter,
    utcnow,
)
from ylada_app.services import analytics, analytics_admin, analytics_rollup, inbox
from ylada_app.services.errors import FieldErrors, Forbidden, NotFound

BASE = datetime(2026, 10, 1, 12, 0)


def roll(db: Session, **kw) -> dict:
    out = analytics_rollup.run_rollup(db, settle_s=kw.pop("settle_s", 0), **kw)
    db.commit()
    return out


def catch_up(db: Session) -> None:
    for _ in range(100):
        out = roll(db)
        if not any(out.values()):
            return


class World:
    """A tenant with instances, contacts and conversations; raw rows at chosen times."""

    def __init__(self, db: Session, name: str = "Loja", tz: str | None = None) -> None:
        self.db = db
        self.owner = make_owner(db, tenant_name=name)
        self.tenant_id = self.owner.tenant_id
        if tz:
            tenant = db.get(Tenant, self.tenant_id)
            tenant.timezone = tz
            db.add(tenant)
            db.commit()
        self.cloud = make_instance(db, self.tenant_id, channel="whatsapp_cloud", name="Loja SP")
        self.sim = make_instance(db, self.tenant_id, channel="simulator", name="Testes")
        self.convs: list[Conversation] = []

    def contact(self, instance, when: datetime) -> Conversation:
        c = Contact(tenant_id=self.tenant_id, instance_id=instance.id,
                    wa_id=f"55{random.randint(10**9, 10**10)}", name="Cliente", created_at=when,
                    fields={"email": "a@b.com"})
        self.db.add(c)
        self.db.flush()
        conv = Conversation(tenant_id=self.tenant_id, instance_id=instance.id, contact_id=c.id,
                            created_at=when)
        self.db.add(conv)
        self.db.flush()
        self.convs.append(conv)
        return conv

    def msg(self, conv: Conversation, when: datetime, direction: str = "in",
            status: str = "processed", wamid: str | None = None) -> Message:
        m = Message(tenant_id=self.tenant_id, instance_id=conv.instance_id,
                    conversation_id=conv.id, direction=direction, type="text", text="oi",
                    status=status, created_at=when, wamid=wamid)
        self.db.add(m)
        self.db.flush()
        return m

    def event(self, conv: Conversation, when: datetime, type_: str, flow: str | None = "1",
              node: str | None = None, data: dict | None = None) -> None:
        self.db.add(AnalyticsEvent(tenant_id=self.tenant_id, instance_id=conv.instance_id,
                                   conversation_id=conv.id, type=type_, flow_id=flow,
                                   node_id=node, data=data or {}, created_at=when))
        self.db.flush()

    def random_traffic(self, rng: random.Random, n: int, start: datetime) -> None:
        for _ in range(n):
            when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 5))
            inst = self.cloud if rng.random() < 0.7 else self.sim
            conv = self.contact(inst, when) if not self.convs or rng.random() < 0.3 else \
                rng.choice(self.convs)
            self.msg(conv, when)
            self.msg(conv, when + timedelta(seconds=1), "out",
                     rng.choice(["sent", "delivered", "read", "blocked"]))
            kind = rng.choice(["flow_started", "node_visited", "node_visited", "goal_reached",
                               "handoff", "ai_reply", "ai_error", "fallback"])
            self.event(conv, when, kind, flow=rng.choice(["1", "2"]),
                       node=rng.choice(["start", "menu", "goal"]))
        self.db.commit()

    def dash(self, **kw) -> dict:
        kw.setdefault("period", "custom")
        return analytics.dashboard(self.db, tenant_id=self.tenant_id, **kw)


# --- rollup correctness -------------------------------------------------------------------------

@pytest.mark.skipif(not PG_ADMIN_URL, reason="recompute-and-compare runs on PostgreSQL")
def test_rollup_agrees_with_recompute_from_scratch_on_postgresql(db):
    assert db.get_bind().dialect.name == "postgresql"
    rng = random.Random(8)
    a, b = World(db, "Empresa A"), World(db, "Empresa B")
    a.random_traffic(rng, 120, BASE)
    b.random_traffic(rng, 80, BASE)
    roll(db)  # part of the traffic ...
    a.random_traffic(rng, 150, BASE + timedelta(days=2))  # ... then more: incremental
    catch_up(db)
    for w in (a, b):
        assert analytics_rollup.stored(db, tenant_id=w.tenant_id) == \
            analytics_rollup.recompute(db, tenant_id=w.tenant_id)
        assert analytics_rollup.stored(db, tenant_id=w.tenant_id)


def test_rollup_runs_are_incremental_and_duplicates_change_nothing(db):
    w = World(db)
    conv = w.contact(w.cloud, BASE)
    for i in range(5):
        w.msg(conv, BASE + timedelta(minutes=i))
    db.commit()
    catch_up(db)
    before = analytics_rollup.stored(db, tenant_id=w.tenant_id)
    assert before[(BASE, w.cloud.id, "msg_in", "", "")] == 5
    catch_up(db)  # a duplicate run: nothing new
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id) == before
    w.msg(conv, BASE + timedelta(minutes=30))
    db.commit()
    catch_up(db)
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id)[
        (BASE, w.cloud.id, "msg_in", "", "")] == 6


def test_unsettled_rows_wait_for_the_next_run(db):
    w = World(db)
    conv = w.contact(w.cloud, BASE)
    now = utcnow()
    w.msg(conv, now)  # just written: a lower id might still be committing elsewhere
    db.commit()
    key = (analytics_rollup.hour_of(now), w.cloud.id, "msg_in", "", "")
    roll(db, settle_s=60, now=now)
    assert key not in analytics_rollup.stored(db, tenant_id=w.tenant_id)
    roll(db, settle_s=60, now=now + timedelta(seconds=61))
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id)[key] == 1


def test_a_settled_row_after_a_young_one_waits_with_it(db):
    # ids come from a sequence before commit: a row with a higher id may be older. The
    # watermark must never pass the young row, so the older one waits for it.
    w = World(db)
    conv = w.contact(w.cloud, BASE)
    now = utcnow()
    w.msg(conv, now)  # young, lower id
    w.msg(conv, BASE)  # settled, higher id
    db.commit()
    old_key = (BASE, w.cloud.id, "msg_in", "", "")
    roll(db, settle_s=60, now=now)
    assert old_key not in analytics_rollup.stored(db, tenant_id=w.tenant_id)
    roll(db, settle_s=60, now=now + timedelta(seconds=61))
    stored = analytics_rollup.stored(db, tenant_id=w.tenant_id)
    assert stored[old_key] == 1
    assert stored[(analytics_rollup.hour_of(now), w.cloud.id, "msg_in", "", "")] == 1


def test_status_webhooks_late_and_duplicated_do_not_double_count(db):
    w = World(db)
    conv = w.contact(w.cloud, BASE)
    w.msg(conv, BASE, "out", "sent", wamid=f"wamid.analytics.{w.tenant_id}")
    db.commit()
    catch_up(db)
    key = (BASE, w.cloud.id, "msg_out", "", "")
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id)[key] == 1
    changes = [inbox.StatusChange(f"wamid.analytics.{w.tenant_id}", s)
               for s in ("read", "delivered", "read", "delivered", "failed")]
    inbox.apply_statuses(db, instance_id=w.cloud.id, changes=changes)
    inbox.apply_statuses(db, instance_id=w.cloud.id, changes=changes)
    db.commit()
    catch_up(db)
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id)[key] == 1


def test_funnel_counts_each_conversation_once_per_node(db):
    w = World(db)
    c1, c2 = w.contact(w.cloud, BASE), w.contact(w.cloud, BASE)
    for conv in (c1, c2):
        w.event(conv, BASE, "flow_started")
        w.event(conv, BASE, "node_visited", node="start")
        w.event(conv, BASE, "node_visited", node="menu")
    w.event(c1, BASE + timedelta(hours=2), "node_visited", node="menu")  # loops back: same
    w.event(c1, BASE + timedelta(hours=2), "flow_started")
    w.event(c1, BASE + timedelta(hours=2), "goal_reached")
    db.commit()
    catch_up(db)
    d = w.dash(start="2026-10-01", end="2026-10-01", today=date(2026, 10, 20))
    (flow,) = d["flows"]
    assert (flow["started"], flow["conversions"], flow["rate"]) == (3, 1, 33.3)
    assert {s["node_id"]: s["count"] for s in flow["funnel"]} == {"start": 2, "menu": 2}


# --- the dashboard ------------------------------------------------------------------------------

def test_days_follow_the_tenant_timezone(db):
    w = World(db, tz="America/Sao_Paulo")  # UTC-3
    conv = w.contact(w.cloud, datetime(2026, 10, 2, 2, 30))  # 01/10 23:30 in São Paulo
    w.msg(conv, datetime(2026, 10, 2, 2, 30))
    w.msg(conv, datetime(2026, 10, 2, 3, 0))  # 02/10 00:00 in São Paulo
    w.event(conv, datetime(2026, 10, 2, 2, 59), "handoff")
    db.commit()
    catch_up(db)
    d = w.dash(start="2026-10-01", end="2026-10-02", today=date(2026, 10, 20))
    by_day = {x["day"]: x for x in d["days"]}
    assert by_day["2026-10-01"]["msg_in"] == 1 and by_day["2026-10-02"]["msg_in"] == 1
    assert by_day["2026-10-01"]["contacts_new"] == 1 and by_day["2026-10-01"]["handoffs"] == 1
    # 01/10/2026 is a Thursday (weekday 3); 23h local.
    assert d["heatmap"][3][23] == 1 and d["heatmap"][4][0] == 1
    only_second = w.dash(start="2026-10-02", end="2026-10-02", today=date(2026, 10, 20))
    assert only_second["totals"]["msg_in"] == 1
    # The same rows seen from another whole-hour zone move to other days.
    tenant = db.get(Tenant, w.tenant_id)
    tenant.timezone = "Europe/Lisbon"  # UTC+1 in October
    db.add(tenant)
    db.commit()
    d = w.dash(start="2026-10-02", end="2026-10-02", today=date(2026, 10, 20))
    assert d["totals"]["msg_in"] == 2


def test_figures_simulator_toggle_ai_answers_and_compare(db):
    w = World(db)
    conv, sim = w.contact(w.cloud, BASE), w.contact(w.sim, BASE)
    for c in (conv, sim):
        w.msg(c, BASE)
        w.msg(c, BASE, "out", "sent")
        w.event(c, BASE, "ai_reply")
        w.event(c, BASE, "ai_answer")
        w.event(c, BASE, "ai_error")
        w.event(c, BASE, "flow_started")
    w.msg(conv, BASE, "out", "blocked")
    db.commit()
    catch_up(db)
    kw = {"start": "2026-10-01", "end": "2026-10-01", "today": date(2026, 10, 5)}
    d = w.dash(**kw)
    assert {k: d["totals"][k] for k in ("msg_in", "msg_out", "msg_blocked", "ai_answers",
                                        "conversations", "contacts_new")} == {
        "msg_in": 1, "msg_out": 1, "msg_blocked": 1, "ai_answers": 2, "conversations": 1,
        "contacts_new": 1}
    both = w.dash(include_simulator=True, **kw)
    assert both["totals"]["msg_in"] == 2
    assert [(i["name"], i["msg_in"]) for i in both["instances"]] == [("Loja SP", 1),
                                                                     ("Testes", 1)]
    assert w.dash(instance_id=str(w.sim.id), **kw)["totals"]["msg_in"] == 1


def test_empty_period_is_all_zeros(db):
    w = World(db)
    d = w.dash(period="7d")
    assert d["empty"] and len(d["days"]) == 7 and not any(d["totals"].values())
    assert w.dash(period="today")["days"][0]["day"] == analytics.resolve_period(
        "America/Sao_Paulo", "today").start.isoformat()


# --- isolation and bad input ------------------------------------------------------------------

def test_a_tenant_sees_only_its_own_figures(db):
    a, b = World(db, "Empresa A"), World(db, "Empresa B")
    conv = a.contact(a.cloud, BASE)
    for i in range(7):
        a.msg(conv, BASE + timedelta(minutes=i))
    db.commit()
    catch_up(db)
    kw = {"start": "2026-10-01", "end": "2026-10-01", "today": date(2026, 10, 5)}
    assert a.dash(**kw)["totals"]["msg_in"] == 7
    assert b.dash(**kw)["totals"]["msg_in"] == 0
    with pytest.raises(NotFound) as err:
        b.dash(instance_id=str(a.cloud.id), **kw)
    assert err.value.message() == "Instância não encontrada nesta empresa."
    with pytest.raises(NotFound):
        b.dash(instance_id="abc", **kw)


@pytest.mark.parametrize(("start", "end", "field", "text"), [
    ("", "2026-10-02", "start", "Informe a data."),
    ("2026-13-40", "2026-10-02", "start", "Data inválida. Use o formato DD/MM/AAAA."),
    ("2026-10-05", "2026-10-01", "end", "A data final precisa ser igual ou depois da inicial."),
    ("2026-10-01", "2026-12-01", "end", "A data não pode ser depois de hoje."),
    ("2026-11-01", "2026-12-01", "start", "A data não pode ser depois de hoje."),
    ("2024-01-01", "2026-10-01", "end", "Escolha um período de até 366 dias."),
])
def test_bad_periods_get_pt_br_messages(start, end, field, text):
    with pytest.raises(FieldErrors) as err:
        analytics.resolve_period("America/Sao_Paulo", "custom", start, end,
                                 today=date(2026, 10, 20))
    assert err.value.messages()[field] == text


def test_unknown_period_and_timezone():
    with pytest.raises(FieldErrors) as err:
        analytics.resolve_period(None, "ano-todo")
    assert err.value.messages() == {"period": "Escolha um período da lista."}
    per = analytics.resolve_period("Nowhere/City", "custom", "01/10/2026", "02/10/2026",
                                   today=date(2026, 10, 20))
    assert (per.tz, per.start, per.utc_start) == ("America/Sao_Paulo", date(2026, 10, 1),
                                                  datetime(2026, 10, 1, 3, 0))


# --- several workers --------------------------------------------------------------------------

@pytest.mark.skipif(not PG_ADMIN_URL, reason="row locks need PostgreSQL")
def test_concurrent_runs_skip_instead_of_double_counting(db):
    w = World(db)
    conv = w.contact(w.cloud, BASE)
    w.msg(conv, BASE)
    db.commit()
    with Session(get_engine()) as first:
        analytics_rollup.run_rollup(first, settle_s=0)  # holds the cursor rows
        results = []
        t = threading.Thread(target=lambda: results.append(_other_run()))
        t.start()
        t.join(10)
        assert results == [{"busy": True}]
        first.commit()
    catch_up(db)
    assert analytics_rollup.stored(db, tenant_id=w.tenant_id) == \
        analytics_rollup.recompute(db, tenant_id=w.tenant_id)


def _other_run() -> dict:
    with Session(get_engine()) as s:
        out = analytics_rollup.run_rollup(s, settle_s=0)
        s.commit()
        return out


def test_cursor_rows_exist_after_a_run(db):
    roll(db)
    names = {c.name for c in db.exec(select(AnalyticsCursor)).all()}
    assert names >= set(analytics_rollup.SOURCES)


# --- admin dashboard ----------------------------------------------------------------------------

def test_admin_dashboard_figures_and_guard(db):
    admin = make_admin(db)
    w = World(db, "Quase no limite")
    with pytest.raises(Forbidden):
        analytics_admin.admin_dashboard(db, w.owner.ctx(db))
    month = utcnow().strftime("%Y-%m")
    from ylada_app.services import entitlements

    cap = entitlements.limits_for(db, tenant_id=w.tenant_id).max_messages_month
    row = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == w.tenant_id,
                                             UsageCounter.month == month)).first()
    row = row or UsageCounter(tenant_id=w.tenant_id, month=month)
    row.messages_out = int(cap * 0.85)
    db.add(row)
    # a few minutes ago, but today (UTC) even when the test runs just after midnight
    now = utcnow()
    when = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0, second=0,
                                                       microsecond=0))
    conv = w.contact(w.cloud, when)
    w.msg(conv, when)
    db.commit()
    before = analytics_admin.admin_dashboard(db, admin)["messages"][-1]["in"]
    catch_up(db)
    analytics_admin.snapshot_platform(db)
    db.commit()
    d = analytics_admin.admin_dashboard(db, admin)
    assert d["messages"][-1]["in"] >= before + 1
    assert d["tenants"] >= 1 and d["mrr_trend"][-1]["mrr_cents"] == d["mrr_cents"]
    # today's snapshot is stale (taken before a payment): the trend's today is the live MRR
    from ylada_app.models import PlatformDaily

    today = db.get(PlatformDaily, utcnow().strftime("%Y-%m-%d"))
    today.mrr_cents = d["mrr_cents"] + 12_345
    db.commit()
    again = analytics_admin.admin_dashboard(db, admin)
    assert again["mrr_trend"][-1]["mrr_cents"] == again["mrr_cents"] == d["mrr_cents"]
    assert set(d["by_status"]) >= {"active", "trialing", "canceled", "suspended"}
    near = [t for t in d["near_limits"] if t["tenant_id"] == w.tenant_id]
    assert near and near[0]["pct"] == 85
    assert sum(x["count"] for x in d["new_tenants"]) >= 1


def test_admin_dashboard_most_installed_and_converting_templates(db):
    from ylada_app.services import marketplace

    admin = make_admin(db)
    w = World(db, "Pizzaria Modelo")
    installed = marketplace.install_template(
        db, tenant_id=w.tenant_id, slug="delivery-cardapio", instance_id=w.cloud.id,
        values=_required_defaults(db, "delivery-cardapio"))
    db.commit()
    when = utcnow() - timedelta(minutes=10)
    conv = w.contact(w.cloud, when)
    for _ in range(3):
        w.event(conv, when, "goal_reached", flow=str(installed.flow_id), node="pedido")
    w.event(conv, when, "goal_reached", flow="999999", node="x")  # not a template's flow
    db.commit()
    catch_up(db)
    templates = analytics_admin.admin_dashboard(db, admin)["templates"]
    names = [t["name"] for t in templates["installed"]]
    assert any("Delivery" in n for n in names)
    [top] = [t for t in templates["converting"] if "Delivery" in t["name"]]
    assert top["count"] >= 3


def _required_defaults(db, slug: str) -> dict:
    from ylada_app.models import AutomationTemplate

    template = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == slug)).one()
    params = template.parameters or []
    return {p["key"]: p.get("default") or "Teste" for p in params if p.get("required")}


def test_flow_figures_over_several_days_read_daily_rows_exactly(db):
    w = World(db)  # São Paulo: the local 02–04/10 are UTC [02/10 03:00, 05/10 03:00)
    inside = [datetime(2026, 10, 2, 3, 0), datetime(2026, 10, 3, 12, 0),
              datetime(2026, 10, 4, 0, 0), datetime(2026, 10, 5, 2, 59)]
    outside = [datetime(2026, 10, 2, 2, 59), datetime(2026, 10, 5, 3, 0)]
    for when in inside + outside:
        conv = w.contact(w.cloud, when)
        w.event(conv, when, "flow_started")
        w.event(conv, when, "node_visited", node="start")
        w.event(conv, when, "goal_reached")
    db.commit()
    catch_up(db)
    d = w.dash(start="2026-10-02", end="2026-10-04", today=date(2026, 10, 20))
    (flow,) = d["flows"]
    assert (flow["started"], flow["conversions"]) == (4, 4)
    assert flow["funnel"] == [{"node_id": "start", "label": "start", "count": 4}]
    assert d["totals"]["conversations"] == 4 and d["totals"]["contacts_new"] == 4
    wide = w.dash(start="2026-10-01", end="2026-10-05", today=date(2026, 10, 20))
    assert wide["flows"][0]["started"] == 6


def test_ab_splits_count_contacts_per_branch_and_those_who_reached_a_goal_later(db):
    from ylada_app.services import flows

    w = World(db)
    split = {"id": "teste-ab", "type": "randomizer", "position": {"x": 0, "y": 0},
             "data": {"label": "Oferta de frete", "branches": [
                 {"id": "a", "label": "Frete grátis", "weight": 50},
                 {"id": "b", "label": "10% off", "weight": 50},
                 {"id": "c", "label": "Nada", "weight": 1}]}}
    flow = flows.create_flow(db, tenant_id=w.tenant_id, instance_id=w.cloud.id, name="Vendas",
                             definition={"version": 1, "nodes": [split], "edges": []})
    db.commit()
    fid = str(flow.id)
    c1, c2, c3, c4, c5 = (w.contact(w.cloud, BASE) for _ in range(5))

    def went(conv, branch, minutes):
        w.event(conv, BASE + timedelta(minutes=minutes), "randomizer", flow=fid,
                node="teste-ab", data={"branch": branch})

    def goal(conv, minutes, flow_id=fid):
        w.event(conv, BASE + timedelta(minutes=minutes), "goal_reached", flow=flow_id)

    goal(c1, 0)  # before the split: converts nothing
    went(c1, "a", 1)
    goal(c1, 2)
    goal(c1, 3)  # a second goal: the contact already counted
    went(c2, "a", 1)
    went(c3, "b", 1)
    goal(c3, 5, flow_id="999")  # a goal of another flow counts too
    went(c4, "b", 1)
    went(c4, "b", 9)  # passing again: still one contact
    went(c5, "a", 1)
    db.commit()
    catch_up(db)
    goal(c5, 60)  # converts in a later rollup run: the entry is found in the reach table
    went(c2, "a", 61)
    db.commit()
    catch_up(db)
    d = w.dash(start="2026-10-01", end="2026-10-01", today=date(2026, 10, 20))
    [vendas] = [f for f in d["flows"] if f["flow_id"] == fid]
    [ab] = vendas["splits"]
    assert ab["label"] == "Teste A/B “Oferta de frete”"
    assert [(b["label"], b["entered"], b["conversions"], b["rate"]) for b in ab["branches"]] \
        == [("Frete grátis", 3, 2, 66.7), ("10% off", 2, 1, 50.0), ("Nada", 0, 0, None)]
    assert vendas["funnel"] == []  # the split rows are no funnel steps
    split_metrics = ("f:split", "d:split", "f:split_goal", "d:split_goal")

    def only_splits(rows: dict) -> dict:
        return {k: v for k, v in rows.items() if k[2] in split_metrics}

    stored = only_splits(analytics_rollup.stored(db, tenant_id=w.tenant_id))
    assert stored and stored == only_splits(analytics_rollup.recompute(db, tenant_id=w.tenant_id))


def test_the_reports_words_follow_the_pages_language():
    from ylada_app.core.dates import zone_label

    assert zone_label("America/Sao_Paulo") == "horário de Brasília"
    assert zone_label("America/Sao_Paulo", "en") == "Brasília time"
    assert zone_label("America/Manaus") == "horário do Amazonas"
    assert zone_label("America/Manaus", "en").startswith("Manaus, UTC")
    definition = {"nodes": [{"id": "n1", "type": "question", "data": {}},
                            {"id": "n2", "type": "message", "data": {"label": "Boas-vindas"}}]}
    assert analytics._node_labels(definition) == {"n1": "Pergunta (bloco 1)",
                                                  "n2": "Mensagem “Boas-vindas”"}
    assert analytics._node_labels(definition, "en") == {"n1": "Question (block 1)",
                                                        "n2": "Message “Boas-vindas”"}
