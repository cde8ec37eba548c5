"""The assistant does not know: a customer (the simulator) asks something the catalog does
not cover, is told a person will answer, and the owner finds the conversation in the inbox
with the question highlighted, the bell and an e-mail (the app talks to the fake OpenAI
server, which says it does not know when no knowledge item matches)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e import helpers
from tests.e2e.helpers import create_instance, signup
from ylada_app.models import Membership, User
from ylada_app.services import ai, knowledge

pytestmark = pytest.mark.e2e


def test_a_question_the_ai_cannot_answer_reaches_the_team(page: Page, app_server, e2e_db,
                                                          shot):
    email = signup(page, app_server, tenant="Pizzaria Sem Resposta")
    iid = create_instance(page, app_server, "Pizzaria")
    user = e2e_db.exec(select(User).where(User.email == email)).one()
    tenant_id = e2e_db.exec(select(Membership.tenant_id)
                            .where(Membership.user_id == user.id)).first()
    knowledge.add_item(e2e_db, tenant_id=tenant_id, instance_id=int(iid), kind="product",
                       title="Pizza Calabresa Grande", price="59,90")
    ai.save_config(e2e_db, tenant_id=tenant_id, instance_id=int(iid),
                   data={"fallback_enabled": True})
    e2e_db.commit()

    question = "vocês consertam bicicleta?"
    page.goto(f"{app_server}/instances/{iid}/simulator")
    page.fill("#sim-input", question)
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("atendente da nossa equipe",
                                                          timeout=30_000)
    page.goto(f"{app_server}/inbox")
    row = page.locator(".inbox-row").first
    expect(row).to_be_visible(timeout=15_000)
    # the team's notification is written by the job that hands over; on a loaded machine
    # it can land well after the inbox row
    expect(page.locator("#bell-count")).to_have_text("1", timeout=30_000)
    row.click()
    line = page.locator(".inbox-ai-handoff")
    expect(line).to_contain_text("A IA não soube responder")
    expect(line).to_contain_text(question)
    shot("inbox-ai-handoff")
    mail = helpers.MAILBOX.wait_for(email, subject="A IA não soube responder")
    assert "/inbox?c=" in mail.links()[0]
