"""Treinar IA → Respostas: the owner sees the assistant's recent answers with the items used,
marks a wrong one and corrects it (a FAQ appears in the knowledge), answers a grouped
unanswered question with the prefilled form (it leaves the list), and /usage shows the
month's AI tokens and cost by provider and model. Screenshots for a human to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.helpers import create_instance, signup
from ylada_app.models import AiLog, KnowledgeItem, Membership, User
from ylada_app.services import ai, knowledge

pytestmark = pytest.mark.e2e


def _rows(db, tenant_id: int, iid: int) -> None:
    pizza = knowledge.add_item(db, tenant_id=tenant_id, instance_id=iid, kind="product",
                               title="Pizza Calabresa Grande", price="59,90", sku="PZ-1")
    answered = [
        ("quanto custa a calabresa grande?", "A Pizza Calabresa Grande sai por R$ 59,90.",
         [pizza.id], "openai", "gpt-4o-mini", 1800, 40, False),
        ("vocês aceitam vale-refeição?", "Sim, aceitamos todos os cartões.", [],
         "anthropic", "claude-haiku-4-5", 1500, 30, False),
    ]
    unknown = [("vocês consertam bicicleta?", "anthropic", "claude-haiku-4-5"),
               ("conserta bicicletas?", "openai", "gpt-4o-mini"),
               ("tem estacionamento?", "openai", "gpt-4o-mini")]
    for q, p, m in unknown:
        db.add(AiLog(tenant_id=tenant_id, instance_id=iid, source="fallback", question=q,
                     answer=ai.HANDOFF_UNKNOWN, error=ai.UNKNOWN_NOTE_TEAM, provider=p,
                     model=m, prompt_tokens=1400, completion_tokens=10, tokens=1410,
                     unanswered=True))
    for q, a, items, p, m, t_in, t_out, un in answered:
        db.add(AiLog(tenant_id=tenant_id, instance_id=iid, source="fallback", question=q,
                     answer=a, item_ids=items, provider=p, model=m, prompt_tokens=t_in,
                     completion_tokens=t_out, tokens=t_in + t_out, unanswered=un))
    db.commit()


def test_the_team_corrects_answers_and_fills_the_gaps(page: Page, app_server, e2e_db, shot):
    email = signup(page, app_server, tenant="Pizzaria Aprendiz")
    iid = int(create_instance(page, app_server, "Pizzaria"))
    user = e2e_db.exec(select(User).where(User.email == email)).one()
    tenant_id = e2e_db.exec(select(Membership.tenant_id)
                            .where(Membership.user_id == user.id)).first()
    _rows(e2e_db, tenant_id, iid)

    page.goto(f"{app_server}/ai")
    page.click("#tab-learning")
    recent = page.locator("#recent-answers")
    expect(recent).to_contain_text("quanto custa a calabresa grande?", timeout=15_000)
    expect(recent.locator(".learning-answer").first).to_contain_text("vale-refeição")
    expect(recent).to_contain_text("Pizza Calabresa Grande")
    unanswered = page.locator("#unanswered")
    expect(unanswered.locator(".unanswered-question")).to_have_count(2)
    expect(unanswered.locator(".unanswered-question").first).to_contain_text("2 vez(es)")
    shot("ai-learning")

    # A wrong answer, corrected: the correction is a FAQ of the knowledge.
    row = recent.locator(".learning-answer", has_text="vale-refeição")
    row.locator(".rate-wrong").click()
    expect(page.locator("#learning-answer")).to_be_visible(timeout=10_000)
    expect(page.locator("#learning-question")).to_have_value("vocês aceitam vale-refeição?")
    page.fill("#learning-answer", "Aceitamos Alelo e Sodexo, só na entrega.")
    shot("ai-learning-correct")
    page.click("#learning-save")
    expect(row).to_contain_text("Corrigida", timeout=10_000)

    # One click on an unanswered question: the form comes filled, the group leaves.
    group = unanswered.locator(".unanswered-question").first
    group.locator(".add-answer").click()
    expect(page.locator("#learning-question")).to_have_value("conserta bicicletas?")
    page.fill("#learning-answer", "Não consertamos bicicletas, só fazemos pizzas 🙂")
    page.click("#learning-save")
    expect(unanswered.locator(".unanswered-question")).to_have_count(1, timeout=10_000)
    expect(unanswered).to_contain_text("tem estacionamento?")
    expect(recent.locator(".learning-answer", has_text="conserta bicicletas?")) \
        .to_contain_text("Respondida")
    e2e_db.expire_all()
    faqs = {i.title: i.body for i in e2e_db.exec(select(KnowledgeItem).where(
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.kind == "faq"))}
    assert faqs == {"vocês aceitam vale-refeição?": "Aceitamos Alelo e Sodexo, só na entrega.",
                    "conserta bicicletas?": "Não consertamos bicicletas, só fazemos pizzas 🙂"}
    shot("ai-learning-after")

    page.goto(f"{app_server}/usage")
    costs = page.locator("#ai-costs")
    expect(costs).to_contain_text("Anthropic", timeout=15_000)
    expect(costs).to_contain_text("claude-haiku-4-5")
    expect(costs).to_contain_text("gpt-4o-mini")
    expect(costs.locator(".ai-cost-row")).to_have_count(2)
    expect(page.locator("#ai-cost-total")).to_contain_text("R$")
    shot("usage-ai-costs")
