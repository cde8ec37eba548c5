"""The SDKs against a live server: the API served by uvicorn on loopback (in a thread of
this process, on the test database), a business with a number and keys, and the approved
template a broadcast needs (templates come from Meta, not from the API)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.core import ratelimit
from ylada_app.models import MessageTemplate
from ylada_app.services import api_keys, contacts
from ylada_app.testing.asgi_server import ThreadedAsgiServer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sdks" / "python"))  # the Python SDK, as a user imports it


class LiveApi(ThreadedAsgiServer):
    thread_name = "live-api"

    def __init__(self) -> None:
        from ylada_app.api import app

        self.app, self.host, self.port, self.base_url = app, "127.0.0.1", 0, ""

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def live_api(database_url):
    server = LiveApi()
    server.start()
    yield server.base_url + "/api/v1"
    server.stop()


@dataclass
class Shop:
    tenant_id: int
    instance_id: int
    contact_id: int
    write_key: str
    read_key: str


@pytest.fixture
def shop(db) -> Shop:
    ratelimit.reset_memory()
    owner = make_owner(db, tenant_name="Loja do SDK")
    inst = make_instance(db, owner.tenant_id, name="Vendas")
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="11987654321", name="Ana")
    _, write = api_keys.create_key(db, tenant_id=owner.tenant_id, name="sdk",
                                   scopes="read,write")
    _, read = api_keys.create_key(db, tenant_id=owner.tenant_id, name="sdk-leitura",
                                  scopes="read")
    db.commit()
    return Shop(owner.tenant_id, inst.id, contact.id, write, read)


def add_template(db, shop: Shop, name: str, *, status: str = "APPROVED") -> None:
    """A marketing template of the shop's number (a simulator: it costs nothing), as the
    template sync would store it; its body has two blanks."""
    db.add(MessageTemplate(tenant_id=shop.tenant_id, instance_id=shop.instance_id, name=name,
                           language="pt_BR", category="MARKETING", status=status,
                           body_variables=2, components=[
                               {"type": "BODY", "text": "Olá {{1}}! Oferta: {{2}}."}]))
    db.commit()


def other_business_key(db) -> str:
    """A read+write key of another business (which must see none of the shop's data)."""
    owner = make_owner(db, tenant_name="Outra Loja")
    make_instance(db, owner.tenant_id, name="Outro número")
    _, key = api_keys.create_key(db, tenant_id=owner.tenant_id, name="outra",
                                 scopes="read,write")
    db.commit()
    return key
