"""How a contact's WhatsApp id reads to people: a phone is formatted; Meta's id of a customer
who hides the number (a BSUID), a simulator chat's and an erased contact's ids are internal
and read as words (the inbox and the contact list showed "BR.1502576394655843")."""

from __future__ import annotations

import pytest

from ylada_app.services.phones import display_phone


@pytest.mark.parametrize(("wa_id", "shown"), [
    ("5511987654321", "+55 11 98765-4321"),
    ("BR.1502576394655843", "Número oculto pelo cliente"),
    ("US.ENT.11815799212886844830", "Número oculto pelo cliente"),
    ("sim-4f2a", "Simulador"),
    ("apagado-17", "Contato apagado"),
])
def test_a_contact_id_reads_as_a_phone_or_words(wa_id, shown):
    assert display_phone(wa_id) == shown
