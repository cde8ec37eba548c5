"""Issue 7's acceptance scenario: a delivery tenant uploads its menu and the bot answers
"quanto custa a pizza grande de calabresa?" with the exact catalog price, through the same
pipeline as WhatsApp (signed webhook → drain → AI fallback → real openai client → fake)."""

from __future__ import annotations

from tests.pipeline.conftest import wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.services import ai, knowledge

MENU = """nome;descrição;preço;categoria;código
Pizza Calabresa Média;Calabresa fatiada, cebola e azeitona, 6 fatias;R$ 42,90;Pizzas;PZ-CAL-M
Pizza Calabresa Grande;Calabresa fatiada, cebola e azeitona, 8 fatias;R$ 54,90;Pizzas;PZ-CAL-G
Pizza Margherita Grande;Muçarela, tomate e manjericão, 8 fatias;R$ 49,90;Pizzas;PZ-MAR-G
Pizza Portuguesa Grande;Presunto, ovo, cebola e ervilha, 8 fatias;R$ 56,50;Pizzas;PZ-POR-G
Refrigerante 2 litros;Coca-Cola ou Guaraná;R$ 12,00;Bebidas;BEB-2L
Esfiha de Carne;Massa aberta com carne temperada;R$ 6,50;Esfihas;ESF-CAR
"""


def test_delivery_menu_price_comes_verbatim_from_the_catalog(client, bot, graph_url, db,
                                                               fake_openai):
    knowledge.import_upload(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                            filename="cardapio.csv", data=MENU.encode("cp1252"))
    ai.save_config(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                   data={"fallback_enabled": True, "company": "Pizzaria Bella"})
    db.commit()
    wa = "5511966660001"
    post(client, bot, [samples.text_message(wa, "quanto custa a pizza grande de calabresa?")])
    texts = wait_for(lambda: [m["text"]["body"] for m in replies_to(graph_url, wa)
                              if m["type"] == "text"])
    assert "R$ 54,90" in texts[0]
    assert "42,90" not in texts[0]
