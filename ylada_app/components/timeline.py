"""A conversation as the team sees it (the inbox, a contact's page): customer, bot, AI and
team messages told apart, with delivery ticks and why a failed send failed (in words), private
notes shown apart, and system lines (hand-off, assigned, resolved, returned to the bot; the
AI assistant's hand-off highlighted, with the question it could not answer)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ylada_app.components.chat import Bubble, bubble_body, bubble_from
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import translate
from ylada_app.services.send_failures import failure_text
from ylada_app.state.session import SessionState


def timeline_bubble(item: Any, lang: str) -> Bubble:
    """A timeline item of services.agent_inbox as a bubble (a failed send says why in
    words, services.send_failures; a message edited or deleted in the WhatsApp Business app
    says so; a photo, voice note, location, reaction… says what it is, chat.bubble_from)."""
    payload = item.payload or {}
    at = local_text(item.at, "%d/%m %H:%M")
    if payload.get("edited"):
        at = f"{translate('inbox.edited', lang)} · {at}"
    bubble = bubble_from(item.key, "in" if item.kind == "customer" else "out", item.type,
                         item.text, payload, item.status, lang, kind=item.kind,
                         author=item.author, at=at,
                         error=failure_text(item.error, lang) if item.status == "failed"
                         else item.error)
    if payload.get("revoked"):
        # (the contents are gone: only this line, in italics, as WhatsApp shows it)
        bubble.text = translate("inbox.revoked", lang)
        bubble.type, bubble.footer, bubble.header, bubble.map_url = "revoked", "", "", ""
        bubble.parts = [{"text": bubble.text, "b": "", "i": "1", "s": "", "m": ""}]
    return bubble


def _tick(m: rx.Var) -> rx.Component:
    return rx.match(
        m.status,
        ("read", rx.icon("check-check", size=14, color="#34B7F1", class_name="tick-read")),
        ("delivered", rx.icon("check-check", size=14, color=rx.color("gray", 9),
                              class_name="tick-delivered")),
        ("sent", rx.icon("check", size=14, color=rx.color("gray", 9), class_name="tick-sent")),
        ("failed", rx.tooltip(rx.icon("circle-alert", size=14, color=rx.color("red", 9),
                                      class_name="tick-failed"), content=m.error)),
        ("blocked", rx.tooltip(rx.icon("ban", size=14, color=rx.color("red", 9)),
                               content=t("inbox.blocked_quota"))),
        rx.icon("clock", size=12, color=rx.color("gray", 8), class_name="tick-pending"),
    )


def _message(m: rx.Var) -> rx.Component:
    customer = m.kind == "customer"
    bubble = rx.box(
        rx.cond(m.kind == "agent",
                rx.text(m.author, size="1", weight="bold", color=rx.color("jade", 11))),
        rx.cond(m.kind == "bot", rx.text(t("inbox.bot"), size="1", weight="bold",
                                         color=rx.color("gray", 10))),
        rx.cond(m.kind == "api", rx.hstack(rx.icon("plug", size=12),
                                           rx.text(t("inbox.api"), size="1", weight="bold"),
                                           spacing="1", color=rx.color("blue", 10))),
        rx.cond(m.kind == "broadcast", rx.hstack(
            rx.icon("megaphone", size=12), rx.text(t("inbox.broadcast"), size="1", weight="bold"),
            spacing="1", color=rx.color("orange", 10))),
        rx.cond(m.kind == "app", rx.hstack(
            rx.icon("smartphone", size=12), rx.text(t("inbox.app"), size="1", weight="bold"),
            spacing="1", color=rx.color("jade", 11))),
        rx.cond(m.kind == "ai", rx.hstack(rx.icon("sparkles", size=12),
                                          rx.text(t("inbox.ai"), size="1", weight="bold"),
                                          spacing="1", color=rx.color("violet", 10))),
        bubble_body(m),
        rx.cond(m.buttons.length() > 0, rx.hstack(
            rx.foreach(m.buttons, lambda b: rx.badge(b["title"], variant="outline",
                                                     color_scheme="gray")),
            wrap="wrap", spacing="1", margin_top="4px")),
        rx.cond(m.rows.length() > 0, rx.badge(rx.icon("list", size=12), m.button_label,
                                              variant="outline", color_scheme="gray",
                                              margin_top="4px")),
        rx.hstack(rx.text(m.at, size="1", color_scheme="gray"),
                  rx.cond(~customer, _tick(m)), spacing="1", justify="end", width="100%"),
        rx.cond(m.status == "failed", rx.text(m.error, size="1", color_scheme="red",
                                               class_name="msg-error")),
        background=rx.cond(customer, "white", rx.match(m.kind, ("agent", "#d9fdd3"),
                                                       ("app", "#d9fdd3"),
                                                       ("ai", "#f1ecfd"), "#eef2f1")),
        padding="8px 12px", border_radius="10px", box_shadow="0 1px 1px rgba(0,0,0,0.08)",
        max_width="72%", class_name="inbox-msg msg-" + m.kind,
    )
    return rx.hstack(rx.cond(~customer, rx.spacer()), bubble, width="100%")


def _note(m: rx.Var) -> rx.Component:
    return rx.center(rx.box(
        rx.hstack(rx.icon("lock", size=12), rx.text(t("inbox.note_by"), " ", m.author, " · ",
                                                    m.at, size="1", weight="medium"),
                  spacing="1", align="center"),
        rx.text(m.text, size="2", white_space="pre-wrap"),
        background="#fff6d6", border="1px solid #f2dc8d", padding="8px 12px",
        border_radius="8px", max_width="80%", class_name="inbox-note",
    ), width="100%")


def _ai_handoff(m: rx.Var) -> rx.Component:
    """The assistant handed over: highlighted, with the customer's question to answer."""
    return rx.center(rx.box(
        rx.hstack(rx.icon("bot", size=14), rx.text(SessionState.tr["inbox.sys." + m.type],
                                                   size="1", weight="medium"),
                  spacing="1", align="center"),
        rx.text("“", m.text, "”", size="2", weight="bold", white_space="pre-wrap"),
        rx.text(m.at, size="1", color_scheme="gray"),
        background="#fff1e6", border="1px solid #f5c9a3", padding="8px 12px",
        border_radius="8px", max_width="80%", class_name="inbox-ai-handoff",
    ), width="100%")


def _system(m: rx.Var) -> rx.Component:
    return rx.cond((m.type == "ai_unknown") | (m.type == "ai_price"), _ai_handoff(m),
                   _plain_system(m))


def _plain_system(m: rx.Var) -> rx.Component:
    return rx.center(rx.text(
        SessionState.tr["inbox.sys." + m.type], rx.cond(m.text != "", " " + m.text, ""),
        rx.cond(m.author != "", " · " + m.author, ""), " · ", m.at, size="1",
        color_scheme="gray", class_name="inbox-system", background=rx.color("gray", 3),
        padding="2px 10px", border_radius="10px"), width="100%")


def timeline_item(m: rx.Var) -> rx.Component:
    return rx.match(m.kind, ("note", _note(m)), ("system", _system(m)), _message(m))
