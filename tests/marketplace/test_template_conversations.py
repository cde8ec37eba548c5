"""The five packaged templates, driven through the real engine (TerminalChat) along their main
paths, with the default parameter values (and, for e-commerce, a local store API)."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ylada_app.chat_cli import TerminalChat, template_definition, validate_files
from ylada_app.engine import FlowSet
from ylada_app.services.marketplace import TEMPLATES_DIR, packaged_template
from ylada_app.services.template_params import apply_params, default_values

SLUGS = ["distribuidor-b2b", "ecommerce-loja", "servicos-agendamento", "educacao-matriculas",
         "delivery-cardapio"]


class Chat:
    def __init__(self, definition: dict, name: str = "Bia") -> None:
        flows = FlowSet.from_definitions({"t": definition}, default_reply="?")
        self.out = io.StringIO()
        self.chat = TerminalChat(flows, name=name, out=self.out)
        self.goals: list[str] = []

    def say(self, text: str) -> str:
        from ylada_app.chat_cli import render

        return "\n".join(render(m) for m in self.chat.say(text))

    @property
    def vars(self) -> dict:
        return (self.chat.state or {}).get("vars") or {}

    @property
    def status(self) -> str:
        return (self.chat.state or {}).get("status") or ""


def chat_for(slug: str, **values: str) -> Chat:
    data = packaged_template(slug)
    assert data is not None
    return Chat(apply_params(data["flow"], {**default_values(data["parameters"]), **values}))


def test_every_template_file_validates_with_no_errors_or_warnings():
    out = io.StringIO()
    files = sorted(str(p) for p in TEMPLATES_DIR.glob("*.json"))
    assert len(files) == 5
    assert validate_files(files, out) == 0, out.getvalue()
    assert out.getvalue().count("ok (0 aviso(s))") == 5
    for path in files:
        data = json.loads(Path(path).read_text("utf-8"))
        assert {"slug", "name", "description", "category", "niche", "parameters",
                "flow"} <= set(data)
        assert Path(path).stem == data["slug"]


@pytest.mark.parametrize("slug", SLUGS)
def test_greeting_opens_the_menu_with_the_business_name(slug):
    c = chat_for(slug)
    reply = c.say("oi")
    assert "Bia" in reply and "Exemplo" in reply
    assert "{{" not in c.out.getvalue()
    assert c.chat.options, "the greeting shows a menu"


def test_distribuidor_order_with_cnpj_minimum_and_handoff():
    c = chat_for("distribuidor-b2b", pedido_minimo_caixas="10")
    c.say("oi")
    c.say("Catálogo por categoria")
    assert "Bebidas" in c.say("Bebidas") and "10 caixas" in c.out.getvalue()
    assert "interesse-catalogo" in c.chat.contact["tags"]
    assert "razão social" in c.say("Montar pedido")
    c.say("Mercado Bom Preço Ltda")
    assert "não parece válido" in c.say("123")
    assert "e-mail" in c.say("12.345.678/0001-90")
    assert "produto" in c.say("compras@bompreco.com.br")
    assert c.vars["cnpj"] == "12.345.678/0001-90"
    c.say("Coca-Cola 2L")
    assert "número de caixas" in c.say("zero")  # the number validator re-asks
    assert "Quantas" in c.say("0")  # a zero quantity asks again
    assert "6 caixas" in c.say("6")
    assert "mínimo é de *10 caixas*" in c.say("Finalizar pedido")
    c.say("Adicionar item")
    c.say("Guaraná lata")
    assert "11 caixas" in c.say("5")
    summary = c.say("Finalizar pedido")
    assert "Coca-Cola 2L" in summary and "Guaraná lata" in summary and "Boleto" in summary
    assert "Pedido enviado" in c.say("Enviar pedido")
    assert c.status == "human"
    assert {"cliente-b2b", "pedido-enviado"} <= set(c.chat.contact["tags"])


def test_distribuidor_conditions_and_seller():
    c = chat_for("distribuidor-b2b", nome_empresa="Atacadão do Zé")
    c.say("menu")
    assert "Atacadão do Zé" in c.say("Condições comerciais")
    c.say("Menu")
    assert "vendedor" in c.say("Falar com vendedor")
    assert c.status == "human"


class _StoreAPI(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.paths.append(self.path)
        if self.path.startswith("/pedidos/1234?"):
            body = {"status": "Em transporte", "previsao_entrega": "28/11",
                    "codigo_rastreio": "BR123456789"}
        elif self.path.startswith("/pedidos/500"):
            self.send_response(500)
            self.end_headers()
            return
        else:
            body = {}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def store_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StoreAPI)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _order_status(c: Chat, number: str) -> str:
    c.say("oi")
    c.say("Status do pedido")
    c.say(number)
    return c.say("bia@email.com")


def test_ecommerce_order_status_from_the_store_api(store_api):
    c = chat_for("ecommerce-loja", api_url=f"http://127.0.0.1:{store_api.server_port}")
    reply = _order_status(c, "1234")
    assert "Em transporte" in reply and "28/11" in reply and "BR123456789" in reply
    assert store_api.paths == ["/pedidos/1234?email=bia%40email.com"]
    # not found: the API answers without a status
    c2 = chat_for("ecommerce-loja", api_url=f"http://127.0.0.1:{store_api.server_port}")
    assert "Não encontrei o pedido 999" in _order_status(c2, "999")
    assert "número do pedido" in c2.say("Tentar de novo")


def test_ecommerce_order_status_failure_branches(store_api):
    c = chat_for("ecommerce-loja", api_url=f"http://127.0.0.1:{store_api.server_port}")
    assert "não respondeu" in _order_status(c, "500")
    assert "consulta-falhou" in c.chat.contact["tags"]
    # a refused connection (nothing listens on that port) takes the same failure branch
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    c2 = chat_for("ecommerce-loja", api_url=f"http://127.0.0.1:{closed_port}")
    assert "não respondeu" in _order_status(c2, "1234")
    assert "chamar alguém" in c2.say("Falar com atendente") and c2.status == "human"


def test_ecommerce_offers_catalog_and_returns():
    c = chat_for("ecommerce-loja", cupom="PRIMEIRA15")
    c.say("oi")
    assert "PRIMEIRA15" in c.say("Ofertas da semana")
    assert "interesse-ofertas" in c.chat.contact["tags"]
    c.say("Ver catálogo")
    assert "R$ 199,00" in c.say("Calçados")
    c.say("menu")
    assert "7 dias" in c.say("Trocas e devoluções")
    c.say("Quero trocar")
    assert "motivo" in c.say("A-778")
    assert "Tamanho" in c.say("porque sim")  # choice validator re-asks
    reply = c.say("tamanho")
    assert "troca registrada" in reply and "A-778" in reply and c.status == "human"
    assert "troca-solicitada" in c.chat.contact["tags"]


def test_servicos_booking_reminder_reschedule_and_cancel():
    c = chat_for("servicos-agendamento", servico_2="Barba", nome_negocio="Barbearia Ipanema")
    c.say("oi")
    assert "Barba" in c.say("Agendar horário")
    assert "data" in c.say("Barba")
    assert '"amanhã"' in c.say("31/02/2027")
    assert "09:00" in c.say("15/03/2027")
    assert "Escolha um dos horários" in c.say("12:30")
    assert "nome" in c.say("10:00")
    summary = c.say("Rafael")
    assert "Barba" in summary and "15/03/2027" in summary and "10:00" in summary
    # the reminder (a day before, as the approved template) fires at once in a test chat
    reply = c.say("Confirmar")
    assert "Agendado" in reply and "Bia · Barba · 15/03/2027 · 10:00" in reply
    assert "lembrete_agendamento" in reply and "15/03/2027" in reply
    assert "lembrete marcado: 24 h antes de 2027-03-15 10:00" in c.out.getvalue()
    assert "agendado" in c.chat.contact["tags"]
    # reschedule keeps the name and asks a new date
    c.say("oi")
    assert "outra data" in c.say("Remarcar")
    c.say("amanhã")  # what people type: the business's tomorrow (Brasília by default)
    tomorrow = (c.chat.now - timedelta(hours=3)).date() + timedelta(days=1)
    assert c.vars["data"] == tomorrow.isoformat()
    assert "Confere" in c.say("15:00") and c.vars["horario"] == "15:00"
    c.say("Confirmar")
    # cancel
    c.say("menu")
    assert "Cancelar" in c.say("Cancelar agendamento")
    assert "cancelado" in c.say("Sim, cancelar")
    assert c.vars["status_agendamento"] == "cancelado"
    assert "cancelou" in c.chat.contact["tags"] and "agendado" not in c.chat.contact["tags"]
    c.say("menu")
    assert "Não encontrei um agendamento" in c.say("Remarcar")


def test_educacao_courses_enrolment_faq_and_office():
    c = chat_for("educacao-matriculas", mensalidade="R$ 199,90")
    c.say("oi")
    c.say("Conhecer os cursos")
    assert "R$ 199,90" in c.say("Inglês")
    assert "nome completo" in c.say("Quero me matricular")
    c.say("Pedro Souza")
    assert "responsável" in c.say("15")
    c.say("Marta Souza")
    assert "não parece válido" in c.say("pedro@")
    c.say("pedro@email.com")
    assert "Não reconheci o telefone" in c.say("123")
    c.say("(11) 91234-5678")
    summary = c.say("Noite")
    assert "Inglês (Noite)" in summary and "+5511912345678" in summary
    assert "Pré-matrícula recebida" in c.say("Confirmar") and c.status == "human"
    assert "pre-matricula" in c.chat.contact["tags"]
    # adult, course chosen from the enrolment entry
    c2 = chat_for("educacao-matriculas")
    c2.say("oi")
    assert "Para qual curso" in c2.say("Fazer matrícula")
    c2.say("informática")
    c2.say("Ana Lima")
    assert "e-mail" in c2.say("30")
    # FAQ and office
    c3 = chat_for("educacao-matriculas")
    c3.say("oi")
    c3.say("Dúvidas frequentes")
    assert "certificado" in c3.say("Certificado")
    c3.say("Outra dúvida")
    assert "R$ 289,90" in c3.say("Valores e mensalidade")
    c3.say("Menu")
    assert "secretaria" in c3.say("Falar com a secretaria") and c3.status == "human"


def test_delivery_order_address_fee_payment_and_hours():
    c = chat_for("delivery-cardapio", taxa_entrega="R$ 8,00", chave_pix="pix@nona.com")
    c.say("oi")
    assert "taxa" in c.say("Horário e taxa").lower() and "R$ 8,00" in c.out.getvalue()
    c.say("Fazer pedido")
    c.say("X-Bacon — R$ 32")
    c.say("Adicionar mais")
    cart = c.say("Refrigerante lata — R$ 7")
    assert "X-Bacon" in cart and "Subtotal: R$ 39,00" in cart
    c.say("Finalizar pedido")
    assert "Faltou o *número*" in c.say("Rua das Palmeiras")
    assert "R$ 8,00" in c.say("Rua das Palmeiras, 45, Centro")
    assert "troco" in c.say("Dinheiro")
    summary = c.say("50")
    assert "Rua das Palmeiras, 45" in summary and "Dinheiro 50" in summary
    reply = c.say("Confirmar pedido")
    assert "Pedido confirmado" in reply and "pix@nona.com" not in reply and c.status == "human"
    assert "cliente-delivery" in c.chat.contact["tags"]
    # order tracking: "em preparo" while the store has it; when the store hands the
    # conversation back to the bot, the customer is told it left for delivery
    assert c.say("cadê meu pedido?") == ""  # a human has the conversation
    sent = c.chat._run({"kind": "resume_bot"})
    assert "saiu para entrega" in sent[0]["text"] and "Rua das Palmeiras, 45" in sent[0]["text"]
    c.say("menu")
    assert "saiu para entrega" in c.say("Acompanhar pedido")
    c3 = chat_for("delivery-cardapio")
    c3.say("oi")
    assert "Não encontrei um pedido" in c3.say("Acompanhar pedido")
    # Pix shows the key; emptying the cart starts over
    c2 = chat_for("delivery-cardapio", chave_pix="pix@nona.com")
    c2.say("cardápio")
    c2.say("Fazer pedido")
    c2.say("Pizza Margherita — R$ 52")
    c2.say("Esvaziar")
    c2.say("Suco natural — R$ 10")
    assert c2.vars["subtotal"] == 10
    c2.say("Finalizar pedido")
    c2.say("Av. Brasil, 1000")
    c2.say("pix")
    assert "pix@nona.com" in c2.say("Confirmar pedido")
    assert c2.vars["pedido_status"].startswith("em preparo")


@pytest.mark.parametrize("slug", SLUGS)
def test_template_definition_for_the_cli_has_no_parameter_left(slug):
    assert "{{param." not in json.dumps(template_definition(slug), ensure_ascii=False)
