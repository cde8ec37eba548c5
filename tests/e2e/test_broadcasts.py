"""Broadcasts in the browser: an approved template of a number, the audience counted (only
contacts who agreed to receive messages, with the tag, then also by a contact field), a
blank left empty refused next to it, then the broadcast sent and its progress followed live
to 100 %."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def _audience(e2e_db, email: str, instance_id: str) -> None:
    from ylada_app.models import Contact, Membership, User, utcnow
    from ylada_app.services import message_templates

    owner = e2e_db.exec(select(User).where(User.email == email)).one()
    tenant_id = e2e_db.exec(select(Membership.tenant_id)
                            .where(Membership.user_id == owner.id)).one()
    message_templates.create(e2e_db, tenant_id=tenant_id, instance_id=instance_id,
                             draft=message_templates.Draft(
                                 name="oferta_natal", language="pt_BR", category="MARKETING",
                                 body="Olá {{1}}! No Natal: {{2}}.",
                                 body_examples=["Ana", "panetone por R$ 19,90"]))
    for i in range(5):  # (rows written directly: the services' caches follow the app's DB)
        e2e_db.add(Contact(tenant_id=tenant_id, instance_id=int(instance_id),
                           wa_id=f"5511976540{i:03d}", name=f"Cliente {i}",
                           tags=["natal"] if i < 4 else [],
                           fields={"cidade": "Sorocaba" if i == 2 else "Campinas"},
                           opted_in_at=utcnow() if i != 3 else None,
                           opt_in_source="import" if i != 3 else ""))
    e2e_db.commit()


def test_send_a_broadcast_and_watch_it_finish(page: Page, app_server, e2e_db, shot):
    email = signup(page, app_server, tenant="Loja das Transmissões")
    iid = create_instance(page, app_server, "Vendas")
    _audience(e2e_db, email, iid)
    page.goto(f"{app_server}/broadcasts")
    expect(page.locator("#no-broadcasts")).to_be_visible(timeout=15_000)
    page.fill("#field-name", "Natal 2026")
    page.fill("#field-tags", "natal")
    page.click("#calculate-audience")
    # 4 with the tag, one of whom never agreed: 3 people
    expect(page.locator("#audience-estimate")).to_contain_text("Pessoas: 3", timeout=10_000)
    # narrowed by a contact field: the one in Sorocaba is left out
    page.fill("#field-filter-name", "cidade")
    page.fill("#field-filter-value", "campinas")
    page.click("#calculate-audience")
    expect(page.locator("#audience-estimate")).to_contain_text("Pessoas: 2", timeout=10_000)
    page.locator(".var-source").nth(1).click()
    page.get_by_role("option", name="Texto fixo").click()
    page.click("#create-broadcast")
    expect(page.get_by_text("Preencha esta lacuna")).to_be_visible(timeout=10_000)
    page.locator(".var-value input").fill("panetone por R$ 19,90")
    shot("broadcast-form")
    page.click("#create-broadcast")
    row = page.locator(".broadcast-row")
    expect(row).to_have_count(1, timeout=10_000)
    expect(row).to_contain_text("Natal 2026")
    expect(row).to_contain_text("Concluída", timeout=30_000)
    page.wait_for_function(  # the bar is full
        "() => { const b = document.querySelector('.broadcast-progress');"
        " return b.firstElementChild.offsetWidth >= b.offsetWidth - 1; }", timeout=30_000)
    shot("broadcast-done")
    # a second one, scheduled in the business's time (Brasília): kept as scheduled, with the
    # time as typed; nothing is sent before it
    page.fill("#field-name", "Véspera de Natal")
    page.click("#when-later")
    page.fill("#field-send-at", "2099-12-24T09:00")
    page.click("#create-broadcast")
    expect(row).to_have_count(2, timeout=10_000)
    scheduled = row.filter(has_text="Véspera de Natal")
    expect(scheduled).to_contain_text("24/12/2099 09:00")
    expect(scheduled).to_contain_text("Agendada")
