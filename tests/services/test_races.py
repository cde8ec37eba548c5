"""Found by review and fixed: races and double submits — two requests (two tabs, a double
click, a retried call) doing the same thing at once: two live Asaas subscriptions, a business
left without an owner, a 500 from two upserts of one phone, a contact's field or tag lost,
a template installed twice, a plan slot taken twice on SQLite, a 500 from two publishes,
caps on API keys and webhook endpoints passed (services/serialize.lock_tenant and row
locks).

Each test makes the race deterministic: the service's check is wrapped so that every
racing thread has done its read before any of them writes (a barrier with a timeout, so
that a fixed service, which serialises the racers with a lock, is never stuck on it: the
thread holding the lock times out on the barrier and goes on). Run on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import Session, func, select

from tests.billing.conftest import asaas_env, fake_asaas  # noqa: F401 - fixtures
from tests.factories import make_instance, make_owner
from ylada_app.core.db import get_engine

BARRIER_S = 3.0
MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())


def _after(monkeypatch, module, name: str, barrier: threading.Barrier) -> None:
    """`module.name` runs as before, then waits for the other racers (or BARRIER_S)."""
    original = getattr(module, name)

    def waiting(*args, **kwargs):
        out = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=BARRIER_S)
        return out

    monkeypatch.setattr(module, name, waiting)


def _race(n: int, fn) -> list[object]:
    """Run fn(i) in n threads at once; each result or the exception it raised."""
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _pg(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("races are checked on PostgreSQL (run through scripts/test.sh)")


# --- 1. POST /api/v1/contacts twice at once with one phone ------------------------------------
def test_concurrent_api_upserts_of_one_phone_answer_200_or_201_never_500(
        db, database_url, monkeypatch):
    """An integration retrying (or two workers syncing a CRM) POSTs the same phone twice at
    once: one must create (201), the other update (200) — never a 500 from the unique
    (instance_id, wa_id) constraint."""
    _pg(database_url)
    from fastapi.testclient import TestClient

    from ylada_app.api import app
    from ylada_app.core import ratelimit
    from ylada_app.models import Contact
    from ylada_app.services import api_keys, contacts

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    _, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="crm", scopes="read,write",
                                 user_id=owner.user_id)
    db.commit()
    ratelimit.reset_memory()
    headers = {"Authorization": f"Bearer {raw}"}
    _after(monkeypatch, contacts, "_apply", threading.Barrier(2))
    with TestClient(app, raise_server_exceptions=False) as client:
        results = _race(2, lambda i: client.post(
            "/api/v1/contacts", headers=headers,
            json={"instance_id": inst.id, "phone": "+55 11 98765-4321",
                  "fields": {f"origem{i}": "crm"}}))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 201], [(r.status_code, r.text[:200]) for r in results]
    n = db.exec(select(func.count()).select_from(Contact).where(
        Contact.instance_id == inst.id)).one()
    assert n == 1


# --- 2. publishing one flow twice at once ---------------------------------------------------
def test_two_publishes_of_an_active_flow_at_once_both_succeed(db, database_url, monkeypatch):
    """The editor's "Publicar" in two tabs (or a double submit): each publish stores its
    version — the second must not die on the unique (flow_id, version) constraint."""
    _pg(database_url)
    from ylada_app.models import Flow, FlowVersion
    from ylada_app.services import flows

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name="Menu", definition=MENU)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    _after(monkeypatch, flows, "validate_flow", threading.Barrier(2))

    def publish(_i: int):
        with Session(get_engine(), expire_on_commit=False) as session:
            out = flows.publish(session, tenant_id=owner.tenant_id, flow_id=flow.id)
            session.commit()
            return out.version.version

    results = _race(2, publish)
    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == [2, 3], results
    db.expire_all()
    versions = db.exec(select(FlowVersion.version).where(FlowVersion.flow_id == flow.id)
                       .order_by(FlowVersion.version)).all()
    assert versions == [1, 2, 3]
    active = db.get(Flow, flow.id)
    assert active.status == "active"


# --- 3. two owners taking the role from each other at once -----------------------------------
@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_owners_cannot_leave_the_business_without_an_owner(db, database_url, monkeypatch,
                                                               unique, action):
    """A business always keeps an owner (team.error.last_owner). Two owners who demote (or
    remove) each other at the same moment each see two owners — and both succeed: the
    business is left with none (nobody can pay, invite or change anything)."""
    _pg(database_url)
    from ylada_app.models import Membership
    from ylada_app.models.tenant import Role
    from ylada_app.services import auth, team
    from ylada_app.services.errors import Conflict

    owner = make_owner(db)
    other = auth.create_user(db, email=f"socia-{unique}@exemplo.com.br", name="Sócia",
                             password="senha-forte-123")
    db.add(Membership(user_id=other.id, tenant_id=owner.tenant_id, role=Role.OWNER))
    db.commit()
    pairs = [(owner.user_id, other.id), (other.id, owner.user_id)]
    _after(monkeypatch, team, "_last_owner", threading.Barrier(2))

    def act(i: int):
        actor, target = pairs[i]
        with Session(get_engine(), expire_on_commit=False) as session:
            if action == "demote":
                team.change_role(session, tenant_id=owner.tenant_id, actor_user_id=actor,
                                 user_id=target, role=Role.AGENT)
            else:
                team.remove_member(session, tenant_id=owner.tenant_id, actor_user_id=actor,
                                   user_id=target)
            session.commit()
            return "ok"

    results = _race(2, act)
    db.expire_all()
    owners = db.exec(select(func.count()).select_from(Membership).where(
        Membership.tenant_id == owner.tenant_id, Membership.role == Role.OWNER)).one()
    assert owners == 1, results
    assert results.count("ok") == 1 and any(isinstance(r, Conflict) for r in results), results


# --- 4. the Asaas checkout asked twice at once -----------------------------------------------
def test_two_asaas_checkouts_at_once_leave_one_live_subscription(db, database_url, monkeypatch,
                                                                 request):
    """"Assinar" clicked in two tabs (or the page re-submitted) while a checkout is open:
    each request sees the same open checkout, creates its own subscription at Asaas and
    cancels the old one — the business is left with TWO live Asaas subscriptions, each
    billing it every month (the code means "the same checkout asked twice: the same
    charge")."""
    _pg(database_url)
    from ylada_app.services import billing, billing_asaas

    fake = request.getfixturevalue("asaas_env")
    owner = make_owner(db)
    billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                        plan_code="starter", base_url="http://app.test", method="pix",
                        tax_id="529.982.247-25")
    db.commit()
    _after(monkeypatch, billing_asaas, "_open_checkout", threading.Barrier(2))

    def checkout(_i: int):
        with Session(get_engine(), expire_on_commit=False) as session:
            billing.choose_plan(session, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                role="owner", plan_code="pro", base_url="http://app.test",
                                method="pix", tax_id="529.982.247-25")
            session.commit()
            return "ok"

    results = _race(2, checkout)
    live = [s for s in fake.subscriptions.values() if s["status"] == "ACTIVE"]
    assert len(live) == 1, (results, [(s["id"], s["value"]) for s in live])


# --- 5. installing one marketplace template twice at once ------------------------------------
def test_installing_a_template_twice_at_once_makes_one_install(db, database_url, monkeypatch):
    """"Instalar" double-submitted: installing the same template on the same number is
    refused once it is there (error.template_already_installed), but two requests at once
    both pass the check — two installs, two active copies of the flow answering the same
    words and taking two of the plan's flow slots."""
    _pg(database_url)
    from ylada_app.models import Flow, TenantTemplate
    from ylada_app.services import marketplace
    from ylada_app.services.errors import Conflict

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    values = {"nome_restaurante": "Pizzaria da Nona", "taxa_entrega": "7,50",
              "tempo_entrega": "30 a 45 minutos",
              "horario_funcionamento": "todos os dias, das 18h às 23h",
              "chave_pix": "nona@pix.com.br", "cardapio_url": "https://nona.com.br/menu"}
    _after(monkeypatch, marketplace, "_checked_definition", threading.Barrier(2))

    def install(_i: int):
        with Session(get_engine(), expire_on_commit=False) as session:
            tt = marketplace.install_template(session, tenant_id=owner.tenant_id,
                                              slug="delivery-cardapio", instance_id=inst.id,
                                              values=values)
            session.commit()
            return tt.id

    results = _race(2, install)
    db.expire_all()
    installs = db.exec(select(func.count()).select_from(TenantTemplate).where(
        TenantTemplate.tenant_id == owner.tenant_id)).one()
    active = db.exec(select(func.count()).select_from(Flow).where(
        Flow.tenant_id == owner.tenant_id, Flow.status == "active")).one()
    assert (installs, active) == (1, 1), results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results


# --- 6. the plan's number slots on the embedded default (SQLite) -----------------------------
def test_racing_connections_cannot_both_take_the_last_slot_on_sqlite(database_url, monkeypatch):
    """The embedded default runs the same services from Reflex's worker threads. The slot
    check "locks" the subscription with SELECT … FOR UPDATE, which SQLite ignores — and
    pysqlite only opens the transaction at the first write, so both requests count the
    connected numbers before either writes: two numbers connected on a 1-number plan."""
    from tests.conftest import new_sqlite_url
    from ylada_app.cli import migrate
    from ylada_app.models import Instance
    from ylada_app.services import instances
    from ylada_app.services.limits import LimitReached
    from ylada_app.services.seed import seed_catalog

    url = new_sqlite_url("audit_slots")
    migrate(url)
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seed_catalog(session)
        session.commit()
        owner = make_owner(session)
        drafts = [instances.create_instance(session, tenant_id=owner.tenant_id,
                                            name=f"Número {i}", channel="whatsapp_cloud").id
                  for i in range(2)]
        session.commit()

    def ok(_pnid, _token):
        return SimpleNamespace(ok=True, error=None, display_number="+55 11 90000-0000",
                               verified_name="Loja")

    _after(monkeypatch, instances, "check_instance_slot", threading.Barrier(2))

    def connect(i: int):
        with Session(engine, expire_on_commit=False) as session:
            instances.connect_whatsapp(
                session, tenant_id=owner.tenant_id, user_id=owner.user_id,
                instance_id=drafts[i], phone_number_id=f"{i + 1}23456789012", waba_id=None,
                access_token="EAAG" + "q" * 60, app_secret="feedface" * 4, check=ok)
            session.commit()
            return "ok"

    results = _race(2, connect)
    with Session(engine) as session:
        connected = session.exec(select(func.count()).select_from(Instance).where(
            Instance.tenant_id == owner.tenant_id, Instance.status == "connected")).one()
    assert connected == 1, results
    assert any(isinstance(r, LimitReached) for r in results), results


# --- 7. two edits of one contact at once: a lost update -----------------------------------
def test_two_patches_of_one_contact_at_once_keep_both_fields(db, database_url, monkeypatch):
    """Two integrations (or a CRM sync running requests in parallel) PATCH different fields
    of one contact: `fields` are merged, so both must stay. Each request merges into the
    fields it read, and the later write silently drops the other's field. (Agents' tag
    changes in the inbox — agent_inbox.set_tags — read-modify-write `tags` the same way.)"""
    _pg(database_url)
    from ylada_app.models import Contact
    from ylada_app.services import contacts

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="11987654321", fields={"cidade": "Campinas"})
    db.commit()
    _after(monkeypatch, contacts, "_own", threading.Barrier(2))
    edits = [{"pedido": "1234"}, {"cupom": "NATAL10"}]

    def patch(i: int):
        with Session(get_engine(), expire_on_commit=False) as session:
            contacts.patch_contact(session, tenant_id=owner.tenant_id, contact_id=contact.id,
                                   fields=edits[i])
            session.commit()
            return "ok"

    results = _race(2, patch)
    assert results == ["ok", "ok"], results
    db.expire_all()
    assert db.get(Contact, contact.id).fields == {"cidade": "Campinas", "pedido": "1234",
                                                  "cupom": "NATAL10"}


# --- 8. caps on API keys and webhook endpoints -----------------------------------------------
@pytest.mark.parametrize("kind", ["api_key", "webhook"])
def test_caps_on_keys_and_webhook_endpoints_hold_under_concurrent_creation(
        db, database_url, monkeypatch, kind):
    """A business may hold 20 active API keys and 10 webhook endpoints. Both are counted,
    then inserted, with nothing held in between: requests at once pass the count together."""
    _pg(database_url)
    from ylada_app.models import ApiKey, WebhookEndpoint
    from ylada_app.services import api_keys, webhooks_out

    owner = make_owner(db)
    barrier = threading.Barrier(3)
    if kind == "api_key":
        for i in range(api_keys.MAX_KEYS - 1):
            api_keys.create_key(db, tenant_id=owner.tenant_id, name=f"k{i}", scopes="read")
        db.commit()
        real = api_keys.secrets

        def token_urlsafe(n):  # (drawn right after the count)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=BARRIER_S)
            return real.token_urlsafe(n)

        monkeypatch.setattr(api_keys, "secrets", SimpleNamespace(token_urlsafe=token_urlsafe))

        def create(i: int):
            with Session(get_engine(), expire_on_commit=False) as session:
                api_keys.create_key(session, tenant_id=owner.tenant_id, name=f"corrida {i}",
                                    scopes="read")
                session.commit()
                return "ok"

        limit = api_keys.MAX_KEYS
        count = select(func.count()).select_from(ApiKey).where(
            ApiKey.tenant_id == owner.tenant_id)
    else:
        for i in range(webhooks_out.MAX_ENDPOINTS - 1):
            webhooks_out.create_endpoint(db, tenant_id=owner.tenant_id,
                                         url=f"https://crm.example.com/h{i}",
                                         events=["contact.created"])
        db.commit()
        _after(monkeypatch, webhooks_out, "new_secret", barrier)

        def create(i: int):
            with Session(get_engine(), expire_on_commit=False) as session:
                webhooks_out.create_endpoint(session, tenant_id=owner.tenant_id,
                                             url=f"https://crm.example.com/corrida{i}",
                                             events=["contact.created"])
                session.commit()
                return "ok"

        limit = webhooks_out.MAX_ENDPOINTS
        count = select(func.count()).select_from(WebhookEndpoint).where(
            WebhookEndpoint.tenant_id == owner.tenant_id)
    results = _race(3, create)
    assert db.exec(count).one() == limit, results
    assert results.count("ok") == 1, results


# --- 9. inviting one address twice at once -------------------------------------------------
def test_two_invitations_of_one_address_at_once_make_one(db, database_url, monkeypatch, smtp,
                                                          unique):
    """The owner's "Convidar" in two tabs (or a double click): both looked for a pending
    invitation of the address before either wrote one, and two were made (two e-mails, two
    links). The second waits for the first now and is told it is already invited."""
    _pg(database_url)
    from ylada_app.models import Invitation
    from ylada_app.services import team
    from ylada_app.services.errors import Conflict

    owner = make_owner(db)
    db.commit()
    _after(monkeypatch, team, "_pending", threading.Barrier(2))
    email = f"carla.{unique}@exemplo.com.br"

    def invite(_i: int):
        with Session(get_engine(), expire_on_commit=False) as session:
            team.invite_member(session, tenant_id=owner.tenant_id,
                               actor_user_id=owner.user_id, email=email, role="agent")
            session.commit()
            return "ok"

    results = _race(2, invite)
    assert results.count("ok") == 1, results
    [refused] = [r for r in results if r != "ok"]
    assert isinstance(refused, Conflict) and refused.code == "error.already_invited", results
    n = db.exec(select(func.count()).select_from(Invitation).where(
        Invitation.tenant_id == owner.tenant_id, Invitation.email == email)).one()
    assert n == 1
