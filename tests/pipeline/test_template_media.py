"""Templates with a media header (image, video, document) against the fake Graph API: the
example file is checked (type by its bytes, Meta's size caps) with pt-BR field messages
before anything is uploaded; it goes up through the Resumable Upload API and the template
is submitted with its `header_handle` (the fake refuses one without); every send — the API,
a broadcast, a flow block — must give a public https link, which reaches Meta as the
header's image / document parameter."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline import test_broadcasts as bc
from tests.pipeline import test_flow_templates as ft
from tests.pipeline import test_message_templates as templates_test
from tests.pipeline.conftest import TOKEN, wait_for
from ylada_app.channels.whatsapp_cloud import templates_api
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Broadcast, Message
from ylada_app.services import message_templates
from ylada_app.services.errors import FieldErrors, ServiceError
from ylada_app.services.message_templates import MediaExample

number = templates_test.number
_draft = templates_test._draft
WABA = templates_test.WABA
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200


@pytest.fixture
def meta(graph_url, monkeypatch):
    """The platform's Meta app (uploads are made on it)."""
    graph_url.app_id = "4242"
    monkeypatch.setenv("META_APP_ID", "4242")
    reset_settings_cache()
    yield
    reset_settings_cache()


def _media(kind: str, data: bytes, **over):
    return _draft(header_kind=kind, header_file=MediaExample(data, "exemplo"), buttons=[],
                  **over)


def test_the_example_file_is_checked_before_anything_is_uploaded(db, number, graph_url, meta):
    owner, inst, _ = number
    cases = [
        (_draft(header_kind="image", buttons=[]), "templates.error.media_image"),
        (_media("image", PDF), "templates.error.media_image"),
        (_media("video", JPEG), "templates.error.media_video"),
        (_media("document", MP4), "templates.error.media_document"),
        (_media("image", JPEG[:4] + b"\x00" * (5 * 1024 * 1024)), "templates.error.media_size"),
        (_draft(header_kind="gif", buttons=[]), None),
    ]
    for draft, code in cases:
        with pytest.raises(FieldErrors) as err:
            message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     draft=draft)
        if code is None:
            assert err.value.errors == {"header_kind": "templates.error.header_kind"}
        else:
            assert err.value.errors == {"header_file": code}
    with pytest.raises(FieldErrors) as err:
        message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 draft=_media("image", JPEG[:4] + b"\x00" * (5 * 1024 * 1024)))
    assert err.value.field_params["header_file"] == {"max": 5}  # Meta's cap, in the message
    assert graph_url.templates == {} and graph_url.handles == {}
    assert not [r for r in graph_url.requests if "uploads" in r["path"]]


def test_the_fake_graph_refuses_a_media_header_without_an_uploaded_handle(number, graph_url):
    components = [{"type": "HEADER", "format": "IMAGE"},
                  {"type": "BODY", "text": "Oferta da semana"}]
    answer = templates_api.submit(WABA, TOKEN, {"name": "sem_exemplo", "language": "pt_BR",
                                                "category": "MARKETING",
                                                "components": components})
    assert not answer.ok and "header_handle" in answer.error
    components[0]["example"] = {"header_handle": ["4::inventado"]}
    answer = templates_api.submit(WABA, TOKEN, {"name": "sem_exemplo", "language": "pt_BR",
                                                "category": "MARKETING",
                                                "components": components})
    assert not answer.ok and graph_url.templates == {}


def test_an_image_template_is_uploaded_submitted_and_sent_with_a_link(
        db, number, graph_url, meta, client, template_send):
    owner, inst, _ = number
    tpl = message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                   draft=_media("image", JPEG))
    db.commit()
    opened, bytes_up = [r for r in graph_url.requests if "upload" in r["path"]]
    assert opened["path"].endswith("/4242/uploads") and "file_type=image/jpeg" in \
        opened["query"].replace("%2F", "/") and f"file_length={len(JPEG)}" in opened["query"]
    assert bytes_up["path"].split("/")[-1].startswith("upload:")
    assert bytes_up["headers"]["authorization"] == f"OAuth {TOKEN}"
    assert bytes_up["headers"]["file_offset"] == "0"
    [remote] = graph_url.templates.values()
    header = remote["components"][0]
    assert header["type"] == "HEADER" and header["format"] == "IMAGE"
    [handle] = header["example"]["header_handle"]
    assert graph_url.handles[handle] == JPEG  # the very bytes the business chose
    assert message_templates.media_header(tpl) == "image"
    graph_url.set_template_status("pedido_enviado", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    send = template_send(owner, inst, "11987650123")
    contact, auth, body = send.contact, send.auth, send.body
    for link in (None, "http://loja.com.br/oferta.jpg", "https://"):
        refused = client.post("/api/v1/messages", headers=auth,
                              json={**body, "header_media_link": link})
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "templates.error.header_link"
    assert db.exec(select(Message).where(Message.tenant_id == owner.tenant_id,
                                         Message.direction == "out")).all() == []
    sent = client.post("/api/v1/messages", headers=auth, json={
        **body, "header_media_link": "https://loja.com.br/oferta.jpg"})
    assert sent.status_code == 202, sent.text
    [out] = wait_for(lambda: graph_url.messages_to(contact.wa_id))
    assert out["template"]["components"] == [
        {"type": "header", "parameters": [
            {"type": "image", "image": {"link": "https://loja.com.br/oferta.jpg"}}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Ana"},
                                        {"type": "text", "text": "#1234"}]}]


def test_a_broadcast_of_a_document_template_needs_its_link(db, number, graph_url, meta):
    owner, inst, _ = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_media("document", PDF, name="boleto_mes",
                                          category="UTILITY"))
    db.commit()
    graph_url.set_template_status("boleto_mes", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    [ana] = bc._contacts(db, owner, inst, 1)
    plan = dict(template="boleto_mes|pt_BR")
    with pytest.raises(FieldErrors) as err:
        bc._plan(db, owner, inst, **plan)
    assert err.value.errors == {"header_link": "templates.error.header_link"}
    b = bc._plan(db, owner, inst, **plan,
                 header_link="https://loja.com.br/boletos/dezembro.pdf?v=2")
    assert db.get(Broadcast, b.id).header_link == "https://loja.com.br/boletos/dezembro.pdf?v=2"
    assert bc.broadcasts.advance(b.id, run_s=5) == {"queued": 1, "skipped": 0}
    [out] = wait_for(lambda: graph_url.messages_to(ana.wa_id))
    assert out["template"]["components"][0] == {"type": "header", "parameters": [
        {"type": "document", "document": {
            "link": "https://loja.com.br/boletos/dezembro.pdf?v=2",
            "filename": "dezembro.pdf"}}]}


def test_a_flow_template_block_sends_its_header_link(db, number, graph_url, meta, client):
    owner, inst, pnid = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_media("video", MP4, name="video_boas_vindas",
                                          body="Olá {{1}}, veja o vídeo.",
                                          body_examples=["Ana"]))
    db.commit()
    graph_url.set_template_status("video_boas_vindas", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    ft._publish(db, owner, inst, {"name": "video_boas_vindas", "language": "pt_BR",
                                  "variables": ["{{contact.first_name}}"],
                                  "header_link": "https://loja.com.br/v/{{vars.horario}}.mp4"})
    wa = "5511987653991"
    ft._say(client, inst, pnid, wa, "lembrete")
    template, _text = wait_for(lambda: len(graph_url.messages_to(wa)) >= 2
                               and graph_url.messages_to(wa))
    assert template["template"]["components"][0] == {"type": "header", "parameters": [
        {"type": "video", "video": {"link": "https://loja.com.br/v/14h.mp4"}}]}


def test_a_simulator_template_with_an_image_header_needs_no_upload(db, graph_url):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    tpl = message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                   draft=_media("image", JPEG, name="promo"))
    assert tpl.status == "APPROVED"
    assert tpl.components[0]["example"] == {"header_handle": ["simulator"]}
    with pytest.raises(ServiceError) as err:
        message_templates.template_payload(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                           name="promo", variables=["Ana", "#9"])
    assert err.value.code == "templates.error.header_link"
    payload, _ = message_templates.template_payload(
        db, tenant_id=owner.tenant_id, instance_id=inst.id, name="promo",
        variables=["Ana", "#9"], header_link="https://x.com.br/a.png")
    assert payload["components"][0]["parameters"][0]["image"] == {
        "link": "https://x.com.br/a.png"}
    assert payload["category"] == "UTILITY"
    assert not [r for r in graph_url.requests if "upload" in r["path"]]
