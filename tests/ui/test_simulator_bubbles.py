"""Simulator bubbles: media kinds get their own preview data and unsafe links are dropped."""

from __future__ import annotations

from ylada_app.pages.simulator import _bubble_data
from ylada_app.services.simulator import SimMessage


def _msg(payload):
    return SimMessage(id=1, direction="out", type="media", text="", payload=payload,
                      status="sent")


def test_document_gets_a_file_name_and_audio_keeps_its_kind():
    doc = _bubble_data(_msg({"type": "media", "kind": "document",
                             "url": "https://cdn.exemplo.com.br/tabela%20precos.pdf?x=1"}))
    assert (doc.media_kind, doc.media_name) == ("document", "tabela%20precos.pdf")
    named = _bubble_data(_msg({"type": "media", "kind": "document", "filename": "Catálogo.pdf",
                               "url": "https://cdn.exemplo.com.br/c.pdf"}))
    assert named.media_name == "Catálogo.pdf"
    audio = _bubble_data(_msg({"type": "media", "kind": "audio",
                               "url": "https://cdn.exemplo.com.br/a.ogg"}))
    assert audio.media_kind == "audio" and audio.media_url.endswith("a.ogg")


def test_script_urls_never_reach_the_page():
    bad = _bubble_data(_msg({"type": "media", "kind": "document",
                             "url": "javascript:alert(document.cookie)"}))
    assert bad.media_url == ""
