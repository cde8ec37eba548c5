"""The user guide: every topic has its text, every picture it shows exists (the browser
tests take them again on each run), and every page header that links to the guide points at
a topic that exists."""

from __future__ import annotations

import re
from pathlib import Path

from ylada_app.components.layout import HELP_TOPICS
from ylada_app.pages.help import TOPICS, topic_for, topic_text

ROOT = Path(__file__).resolve().parents[2]


def test_topics_pictures_and_links():
    slugs = {slug for slug, _ in TOPICS}
    assert len(slugs) == 8
    for slug in slugs:
        text = topic_text(slug)
        assert text.startswith("# ") and len(text) > 600, slug
        for picture in re.findall(r"\]\((/help/[^)]+)\)", text):
            assert (ROOT / "assets" / picture.lstrip("/")).is_file(), picture
    assert set(HELP_TOPICS.values()) <= slugs
    assert topic_text("../../etc/passwd") == "" and topic_text("nao-existe") == ""


def test_the_guide_opens_on_its_first_topic():
    assert topic_for("") == "primeiros-passos"
    assert topic_text(topic_for("")).startswith("# ")
    assert topic_for("fluxos") == "fluxos" and topic_for("nao-existe") == "nao-existe"
