"""Fixtures for the message pipeline: a connected WhatsApp instance with an active flow."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PG_ADMIN_URL, REDIS_URL
from tests.factories import make_instance, make_owner
from ylada_app.api import app
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.core import queue
from ylada_app.core.db_async import dispose_loop_engines
from ylada_app.core.queue import redis_connection
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Contact
from ylada_app.services import api_keys, contacts, flows, instances, webhook_keys

MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())
TOKEN = "EAAG" + "p" * 60
SECRET = "feedfacefeedfacefeedfacefeedface"


@dataclass
class Bot:
    tenant_id: int
    instance_id: int
    webhook_key: str
    phone_number_id: str
    url: str


@pytest.fixture
def bot(db, graph_url, unique) -> Bot:
    return make_bot(db, graph_url, str(10**9 + int(unique[:6], 16)))


def make_bot(db, graph_url, pnid: str) -> Bot:
    """A business of its own with number `pnid` connected and the menu flow active."""
    graph_url.add_number(pnid, TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               instance_id=inst.id,
                               phone_number_id=pnid, waba_id=None, access_token=TOKEN,
                               app_secret=SECRET, check=check_phone_number)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Menu",
                             definition=MENU)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    webhook_keys.forget()
    return Bot(owner.tenant_id, inst.id, inst.webhook_key, pnid,
               f"/webhooks/whatsapp/{inst.webhook_key}")


@dataclass
class TemplateSend:
    contact: Contact
    auth: dict[str, str]
    body: dict


@pytest.fixture
def template_send(db):
    """make(owner, inst, phone) → a contact named Ana, the business's read/write API key as
    a bearer header, and the /api/v1/messages body sending her the `pedido_enviado`
    template (the template tests' draft) — the setup of every API template send."""
    def make(owner, inst, phone: str) -> TemplateSend:
        contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id,
                                             instance_id=inst.id, phone=phone, name="Ana")
        _, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="erp",
                                     scopes="read,write")
        db.commit()
        return TemplateSend(contact, {"Authorization": f"Bearer {raw}"},
                            {"contact_id": contact.id, "type": "template",
                             "template": "pedido_enviado", "variables": ["Ana", "#1234"]})
    return make


@pytest.fixture(autouse=True)
def _fresh_redis():
    """Each pipeline test starts with an empty test Redis: a drain flag or a queued job left
    by an earlier test (its workers killed mid-run) would otherwise hide this test's work
    from a burst worker, which has no sweeper to notice."""
    if REDIS_URL:
        redis_connection(REDIS_URL).flushdb()
    # The in-process queue's "a drain is queued" flag too: a drain queued in-process by one
    # test and started after the next switched to Redis cleared Redis's flag instead, and
    # in-process marks then never queued a drain again.
    queue._local_drain_flag = False
    queue._local_dirty.clear()


@pytest.fixture(params=["general"] + (["fast"] if PG_ADMIN_URL and REDIS_URL else []))
def path(request, monkeypatch, database_url):
    """The webhook's two ways in: "general" (any database, in-process jobs) and, on
    PostgreSQL + Redis, "fast" (stored without leaving the event loop; what the fast path
    does not take falls back to the general one)."""
    if request.param == "fast":
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
    reset_settings_cache()
    yield request.param
    monkeypatch.undo()
    reset_settings_cache()


@pytest.fixture
def client(database_url):
    """One event loop for the whole test, as a server has (the webhook's async connections
    belong to their loop: a loop per request would leave connections behind each time)."""
    with TestClient(app) as client:
        yield client
        client.portal.call(dispose_loop_engines)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


class MetaStatuses:
    """What Meta does after accepting a send: a signed "sent" status webhook carrying the
    message's wamid and the `biz_opaque_callback_data` it was sent with, a moment later.
    A thread posting them for one number between start() and stop()."""

    def __init__(self, client, bot, graph, every_s: float = 0.2) -> None:
        import threading

        self.client, self.bot, self.graph, self.every_s = client, bot, graph, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._done = 0

    def start(self) -> MetaStatuses:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from ylada_app.channels.whatsapp_cloud import samples

        waiting: list[dict] = []
        while not self._stop.wait(self.every_s):
            fresh = self.graph.sent[self._done:]
            self._done += len(fresh)
            waiting += [samples.status(m["wamid"], "sent", m["to"],
                                       callback_data=m.get("biz_opaque_callback_data"))
                        for m in fresh if m.get("phone_number_id") == self.bot.phone_number_id]
            if not waiting:
                continue
            raw, headers = samples.signed(
                samples.status_webhook(self.bot.phone_number_id, waiting), SECRET)
            try:
                answered = self.client.post(self.bot.url, content=raw, headers=headers)
            except Exception:  # noqa: BLE001 - Meta retries a webhook that failed
                continue
            if answered.status_code == 200:
                waiting = []
