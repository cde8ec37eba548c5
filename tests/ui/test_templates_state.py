"""The message templates page's state: Meta's rules show as field messages with nothing
saved; a simulator number's template is ready at once; another business's number is
"not found" and its templates never show."""

from __future__ import annotations

from reflex.istate.data import RouterData

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.core.crypto import encrypt_secret
from ylada_app.models import Instance
from ylada_app.pages.message_templates import TemplatesState
from ylada_app.services import message_templates


def _page(token: str, instance_id: int):
    state = _state(TemplatesState, token)
    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}"}, "ip": "127.0.0.1",
        "pathname": f"/instances/{instance_id}/templates",
        "asPath": f"/instances/{instance_id}/templates"})
    return state


def test_create_on_the_simulator_and_other_businesses_numbers(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst = make_instance(db, a.tenant_id, name="Vendas")
    state = _page(a.token, inst.id)
    _run(TemplatesState.load, state)
    assert state.loaded and not state.missing and state.rows == []
    _run(TemplatesState.create, state, {"name": "Pedido", "body": "Olá {{1}}"})
    assert set(state.errors) >= {"name", "body"}
    assert "minúsculas" in state.errors["name"]
    _run(TemplatesState.create, state, {"name": "pedido", "body": "Olá {{1}}, tudo certo?"})
    assert "examples" in state.errors and state.rows == []
    _run(TemplatesState.create, state, {
        "name": "pedido", "language": "pt_BR", "category": "UTILITY",
        "body": "Olá {{1}}, seu pedido saiu.", "examples": "Ana", "quick": "Rastrear\nAjuda"})
    assert state.errors == {}
    [row] = state.rows
    assert row["status"] == "APPROVED" and row["body"] == "Olá {{1}}, seu pedido saiu."
    other = _page(b.token, inst.id)
    _run(TemplatesState.load, other)
    assert other.missing and other.rows == []
    _run(TemplatesState.delete, other, row["id"])
    assert len(message_templates.list_templates(db, tenant_id=a.tenant_id)) == 1


class _File:
    """What Reflex hands an upload handler (name + async read)."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name, self.filename = data, name, name

    async def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


def test_a_media_header_needs_its_example_file_with_field_messages(db):
    a = make_owner(db, tenant_name="Empresa A")
    inst = make_instance(db, a.tenant_id, name="Vendas")
    state = _page(a.token, inst.id)
    _run(TemplatesState.load, state)
    form = {"name": "oferta_foto", "language": "pt_BR", "category": "MARKETING",
            "body": "Veja a oferta da semana."}
    _run(TemplatesState.set_header_kind, state, "image")
    _run(TemplatesState.create, state, form)
    assert "JPEG ou PNG" in state.errors["header_file"] and state.rows == []
    _run(TemplatesState.pick_header_file, state, [_File(b"%PDF-1.4 ...", "oferta.pdf")])
    assert state.header_file_name == "oferta.pdf" and "header_file" not in state.errors
    _run(TemplatesState.create, state, form)  # a PDF is not an image, whatever its name
    assert "JPEG ou PNG" in state.errors["header_file"] and state.rows == []
    _run(TemplatesState.pick_header_file, state,
         [_File(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "oferta.png")])
    _run(TemplatesState.create, state, form)
    assert state.errors == {}
    [row] = state.rows
    assert row["name"] == "oferta_foto" and row["status"] == "APPROVED"
    assert state.header_kind == "none" and state.header_file_name == ""  # the form is reset
    [tpl] = message_templates.list_templates(db, tenant_id=a.tenant_id)
    assert message_templates.media_header(tpl) == "image"
    _run(TemplatesState.set_header_kind, state, "text")
    _run(TemplatesState.create, state, {**form, "name": "sem_texto"})
    assert "header" in state.errors  # a text header needs its text


def test_a_superscript_digit_in_a_variable_is_a_field_error(db, business_owner):
    """Found by review and fixed: "{{²}}" (AltGr+2 on a Brazilian keyboard) raised
    ValueError: "²".isdigit() is True but int("²") refuses it; only 0-9 count now."""
    a, inst = business_owner
    page = _page(a.token, inst.id)
    _run(TemplatesState.load, page)
    _run(TemplatesState.create, page, {"name": "boas_vindas", "language": "pt_BR",
                                       "category": "UTILITY", "body": "Olá {{²}}, tudo bem?",
                                       "examples": "Ana"})
    assert "body" in page.errors and page.rows == []


def test_a_template_submission_that_cannot_reach_whatsapp_says_so_in_words(db, business_owner):
    """Found by review and fixed: a network failure showed "O WhatsApp recusou:
    ConnectError" (the exception's class name); it is error.graph_unavailable's words now."""
    a, _ = business_owner
    wa = make_instance(db, a.tenant_id, channel="whatsapp_cloud", name="WhatsApp")
    row = db.get(Instance, wa.id)
    row.waba_id, row.access_token_enc = "123456789", encrypt_secret("EAAG" + "x" * 40)
    db.add(row)
    db.commit()  # WHATSAPP_GRAPH_URL is http://127.0.0.1:9 in tests: connection refused
    page = _page(a.token, wa.id)
    _run(TemplatesState.load, page)
    _run(TemplatesState.create, page, {"name": "pedido_saiu", "language": "pt_BR",
                                       "category": "UTILITY", "body": "Seu pedido saiu."})
    shown = " ".join(page.errors.values())
    assert page.errors and page.rows == []
    assert "Error" not in shown and "Exception" not in shown, shown
    assert "Meta" in shown, shown
