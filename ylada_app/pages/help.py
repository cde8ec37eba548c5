"""/help and /help/[topic]: the user guide, in pt-BR, inside the app. The texts live in
`ylada_app/help/*.md`; their pictures are screenshots the browser tests take (so they never
show an older screen), served from assets/help/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.pages.instances import path_segment
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

HELP_DIR = Path(__file__).resolve().parents[1] / "help"
TOPICS = (("primeiros-passos", "Primeiros passos"), ("fluxos", "Fluxos e blocos"),
          ("marketplace", "Marketplace de modelos"), ("ia", "Treinar IA"),
          ("whatsapp", "WhatsApp: conexão e modelos"), ("cobranca", "Planos e cobrança"),
          ("api", "API e integrações"), ("lgpd", "LGPD e privacidade"))


@lru_cache(maxsize=16)
def topic_text(slug: str) -> str:
    if slug not in dict(TOPICS):
        return ""
    return (HELP_DIR / f"{slug}.md").read_text(encoding="utf-8")


def topic_for(segment: str) -> str:
    """The topic a path shows: /help alone opens the first one (an empty pane saying "pick
    a topic" was the guide's first screen)."""
    return segment or TOPICS[0][0]


class HelpState(SessionState):
    topic: str = ""
    text: str = ""
    missing: bool = False
    loaded: bool = False

    @rx.event
    @guarded_load(need_tenant=False, agent_ok=True)
    async def load(self, ctx):
        self.topic = topic_for(path_segment(self.router.url.path, 1))
        self.text = topic_text(self.topic)
        self.missing = not self.text


def _topic_link(slug: str, title: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("book-open", size=16, flex_shrink="0"), rx.text(title, size="3"),
                  align="center", spacing="2"),
        href=f"/help/{slug}", class_name="help-topic",
        weight=rx.cond(HelpState.topic == slug, "bold", "regular"),
    )


def help_page() -> rx.Component:
    s = HelpState
    return app_shell(
        page_header("help.title", "help.subtitle"),
        rx.flex(
            card(rx.vstack(*[_topic_link(slug, title) for slug, title in TOPICS], spacing="3"),
                 width="260px", flex_shrink="0", id="help-topics"),
            rx.cond(
                s.text != "",
                card(rx.markdown(s.text, class_name="help-text"), id="help-text",
                     max_width="760px"),
                rx.cond(s.missing,
                        card(rx.text(t("help.missing"), color_scheme="gray"))),
            ),
            spacing="4", align="start", width="100%",
            direction=rx.breakpoints(initial="column", md="row"),
        ),
        ready=s.loaded,
    )
