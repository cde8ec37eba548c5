"""Broadcasts in the browser, the whole way: a marketing template created on the number's
templates page and seen approved, the audience counted (only contacts who agreed to receive
messages, with the tag, then also by a contact field), a blank left empty refused next to
it, then the broadcast sent and its progress followed live to 100 %."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def _audience(e2e_db, email: str, instance_id: str) -> None:
    from ylada_app.models import Contact, Membership, User, utcnow

    owner = e2e_db.exec(select(User).where(User.email == email)).one()
    tenant_id = e2e_db.exec(select(Membership.tenant_id)
                            .where(Membership.user_id == owner.id)).one()
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
    # the template, on the number's templates page (a simulator number: approved at once)
    page.goto(f"{app_server}/instances/{iid}/templates")
    expect(page.locator("#no-templates")).to_be_visible(timeout=15_000)
    page.fill("#field-name", "oferta_natal")
    page.click("#field-category")
    page.get_by_role("option", name="Marketing (ofertas, campanhas)").click()
    page.fill("#field-body", "Olá {{1}}! No Natal: {{2}}.")
    page.fill("#field-examples", "Ana\npanetone por R$ 19,90")
    page.click("#create-template")
    template = page.locator(".template-row")
    expect(template).to_have_count(1, timeout=10_000)
    expect(template).to_contain_text("oferta_natal")
    expect(template).to_contain_text("Aprovado")
    shot("broadcast-template-approved")
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
