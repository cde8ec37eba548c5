"""Reflex's upload route takes anyone's files: an upload from a visitor who is not signed in is
not read at all (bytes kept in an anonymous state stayed in memory for the state's hour),
and a signed-in one is read only up to a byte past the page's limit."""

from __future__ import annotations

import pytest

from tests.factories import make_business_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.ai import AiState
from ylada_app.pages.brand import BrandSettingsState
from ylada_app.pages.contacts import ContactsState
from ylada_app.pages.message_templates import TemplatesState
from ylada_app.services import brand, contacts, knowledge


class FakeUpload:
    def __init__(self, size: int, name: str = "grande.csv") -> None:
        self.size, self.name, self.filename, self.asked = size, name, name, []

    async def read(self, n: int = -1) -> bytes:
        self.asked.append(n)
        return b"x" * (self.size if n < 0 else min(n, self.size))


HANDLERS = [(AiState, "handle_upload", "_upload_data", knowledge.MAX_UPLOAD_BYTES),
            (ContactsState, "handle_upload", "_upload_data", contacts.MAX_IMPORT_BYTES),
            (BrandSettingsState, "handle_upload", "_upload", brand.MAX_UPLOAD_BYTES)]


@pytest.mark.parametrize(("cls", "handler", "kept", "cap"), HANDLERS)
def test_an_anonymous_upload_is_not_read(db, cls, handler, kept, cap):
    page = _state(cls, "not-a-session")
    upload = FakeUpload(40 * 1024 * 1024)
    _run(getattr(cls, handler), page, [upload])
    assert upload.asked == [] and getattr(page, kept) == b""


@pytest.mark.parametrize(("cls", "handler", "kept", "cap"), HANDLERS)
def test_a_signed_in_upload_is_read_up_to_one_byte_past_the_limit(db, cls, handler, kept, cap):
    owner = make_business_owner(db, tenant_name="Envio")
    page = _state(cls, owner.token)
    upload = FakeUpload(40 * 1024 * 1024)
    _run(getattr(cls, handler), page, [upload])
    assert upload.asked == [cap + 1] and len(getattr(page, kept)) == cap + 1


def test_a_template_header_file_is_read_only_when_signed_in(db):
    page = _state(TemplatesState, "not-a-session")
    page.header_kind = "image"
    upload = FakeUpload(10 * 1024 * 1024, "foto.png")
    _run(TemplatesState.pick_header_file, page, [upload])
    assert upload.asked == [] and page._header_data == b"" and page.header_file_name == ""
