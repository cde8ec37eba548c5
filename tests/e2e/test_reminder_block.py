"""The reminder block in the flow editor: added from the palette, its fields in words (no
internal ids), its two ways out labelled "Agora" and "No horário do lembrete" on the canvas,
and a literal date that cannot be read refused next to the block."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def test_the_reminder_block_in_the_editor(page: Page, app_server, shot):
    signup(page, app_server, tenant="Salão Lembrete")
    create_instance(page, app_server, "Agenda")
    page.goto(f"{app_server}/flows")
    page.fill("#new-flow-name", "Agendamentos")
    page.click("#new-flow")
    page.wait_for_url(re.compile(r".*/flows/\d+/edit$"), timeout=20_000)
    expect(page.locator(".react-flow__node")).to_have_count(1, timeout=20_000)
    expect(page.locator("#palette-reminder")).to_contain_text("Lembrete agendado")
    page.click("#palette-reminder")
    node = page.locator(".react-flow__node").nth(1)
    expect(page.locator(".react-flow__node")).to_have_count(2, timeout=15_000)
    expect(page.locator("#insp-reminder-hint")).to_contain_text("antes de uma data")
    expect(node).to_contain_text("1 dia ·")  # not "1 dias"
    expect(node).to_contain_text("Agora")
    expect(node).to_contain_text("No horário do lembrete")
    page.fill("#insp-date", "31/02/2026")
    page.locator("#insp-date").blur()
    expect(page.get_by_text("a data deve ser dd/mm/aaaa")).to_be_visible(timeout=15_000)
    page.fill("#insp-date", "{{vars.data}}")
    page.locator("#insp-date").blur()
    expect(page.get_by_text("a data deve ser dd/mm/aaaa")).to_have_count(0, timeout=15_000)
    shot("editor-reminder-block")
