"""The `ylada` command: flow validate, chat (file and instance)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from ylada_app.chat_cli import run_chat, validate_files
from ylada_app.cli import main

MENU = Path(__file__).resolve().parents[1] / "ylada_app/engine/examples/menu.json"


def test_flow_validate_ok_and_errors(tmp_path):
    assert main(["flow", "validate", str(MENU)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "nodes": [{"id": "m", "type": "message", "data": {
        "text": "x", "buttons": [{"id": "a", "title": "t" * 25}]}}], "edges": []}))
    out = io.StringIO()
    assert validate_files([str(bad)], out) == 1
    assert "25 caracteres" in out.getvalue() and "bloco de início" in out.getvalue()
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    assert main(["flow", "validate", str(broken)]) == 1


def test_chat_scripted_picks_buttons_by_title():
    out = io.StringIO()
    assert run_chat([str(MENU)], ["oi", "ver catalogo"], name="Bia", out=out) == 0
    text = out.getvalue()
    assert "Olá Bia! Como posso ajudar?" in text and "[Ver catálogo]" in text
    assert "catálogo completo" in text


def test_chat_with_an_instance_from_the_database(db):
    from tests.factories import make_instance, make_owner
    from ylada_app.services import flows

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Menu",
                      raw_json=MENU.read_text(), activate=True)
    db.commit()
    out = io.StringIO()
    assert run_chat([], ["menu"], name="Caio", out=out, instance_id=inst.id) == 0
    assert "Olá Caio!" in out.getvalue()
    assert run_chat([], ["menu"], name="X", out=io.StringIO(), instance_id=999999) == 1


def test_chat_with_a_packaged_template(capsys):
    out = io.StringIO()
    assert run_chat([], ["oi", "Horário e taxa"], name="Rui", out=out,
                    template="delivery-cardapio") == 0
    text = out.getvalue()
    assert "Lanchonete Exemplo" in text and "R$ 6,00" in text and "{{param." not in text
    out = io.StringIO()  # the short name of the issue: `ylada chat --template delivery`
    assert run_chat([], ["oi"], name="Rui", out=out, template="delivery") == 0
    assert "Olá, Rui! 🍔 Aqui é o atendimento de *Lanchonete Exemplo*" in out.getvalue()
    assert main(["chat", "--template", "nao-existe", "--say", "oi"]) == 1
    assert "template desconhecido" in capsys.readouterr().err


def test_flow_validate_accepts_template_files():
    root = Path(__file__).resolve().parents[1] / "ylada_app/marketplace_templates"
    out = io.StringIO()
    assert validate_files(sorted(str(p) for p in root.glob("*.json")), out) == 0
    assert "erro" not in out.getvalue()


def test_api_key_create_list_revoke(db, capsys):
    from tests.factories import make_owner
    from ylada_app.models import Tenant
    from ylada_app.services import api_keys

    owner = make_owner(db, tenant_name="Loja da Linha de Comando")
    slug = db.get(Tenant, owner.tenant_id).slug
    assert main(["api-key", "create", "--tenant", slug, "--name", "ERP",
                 "--scopes", "read,write"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    db.expire_all()
    caller = api_keys.authenticate(db, raw)
    assert caller.tenant_id == owner.tenant_id and caller.scopes == {"read", "write"}
    db.commit()  # (its last use was written)
    assert main(["api-key", "list", "--tenant", slug]) == 0
    listing = capsys.readouterr().out
    assert raw[:12] in listing and raw not in listing and "active" in listing
    key_id = listing.split("\t")[0]
    assert main(["api-key", "revoke", "--tenant", slug, key_id]) == 0
    db.expire_all()
    assert api_keys.authenticate(db, raw) is None
    assert main(["api-key", "create", "--tenant", slug, "--name", "x", "--scopes", "tudo"]) == 1
    assert "escopos" in capsys.readouterr().err
    assert main(["api-key", "list", "--tenant", "nao-existe"]) == 1
