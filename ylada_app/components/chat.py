"""Chat bubbles shared by the simulator and the team's inbox: one way to turn a stored
message (text, buttons, list, media) into what a person sees, and one way to draw it."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from ylada_app.components.texts import t
from ylada_app.core.wa_format import as_rows
from ylada_app.services.message_words import describe


@dataclasses.dataclass
class Bubble:
    id: str
    direction: str  # in | out
    type: str
    text: str
    header: str
    footer: str
    media_kind: str
    media_url: str
    media_name: str
    button_label: str
    buttons: list[dict[str, str]]
    rows: list[dict[str, str]]
    status: str
    # the inbox's extras: customer | bot | agent | note | system; who; when; why it failed
    kind: str = ""
    author: str = ""
    at: str = ""
    error: str = ""
    # the text as WhatsApp shows it: *negrito*, _itálico_, ~riscado~, ```mono``` styled
    parts: list[dict[str, str]] = dataclasses.field(default_factory=list)
    # a shared location: the link to the map (services.message_words)
    map_url: str = ""


def safe_url(value: object) -> str:
    """Only http(s) links reach an href/src (a rendered placeholder could hold anything)."""
    url = str(value or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def _file_name(url: str) -> str:
    tail = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail[:80] or "arquivo"


def bubble_from(key: object, direction: str, mtype: str, text: str | None,
                payload: dict[str, Any] | None, status: str, lang: str = "pt",
                **extra: str) -> Bubble:
    """Our own file sent by link is drawn (image, player, document card); any other message
    is its words: a text its text, a customer's photo, voice note, location, reaction… what
    it is (services.message_words, the same words as the conversation list)."""
    p = payload or {}
    options = []
    if p.get("type") == "buttons":
        options = [{"id": str(b.get("id")), "title": str(b.get("title"))}
                   for b in p.get("buttons") or []]
    rows = []
    if p.get("type") == "list":
        rows = [{"id": str(r.get("id")), "title": str(r.get("title")),
                 "description": str(r.get("description") or "")}
                for s in p.get("sections") or [] for r in s.get("rows") or []]
    body, map_url = text or str(p.get("caption") or ""), ""
    if p.get("type") != "media":
        words = describe(mtype, text, p, lang)
        body, map_url = words.text, words.map_url
    return Bubble(
        id=str(key), direction=direction, type=str(p.get("type") or mtype),
        text=body, parts=as_rows(body),
        header=str(p.get("header") or ""), footer=str(p.get("footer") or ""),
        media_kind=str(p.get("kind") or ""), media_url=safe_url(p.get("url")),
        media_name=str(p.get("filename") or "").strip() or _file_name(str(p.get("url") or "")),
        button_label=str(p.get("button_label") or "Opções"),
        buttons=options, rows=rows, status=status, map_url=safe_url(map_url), **extra,
    )


def _piece(p: rx.Var) -> rx.Component:
    return rx.text.span(
        p["text"],
        font_weight=rx.cond(p["b"] == "1", "bold", "inherit"),
        font_style=rx.cond(p["i"] == "1", "italic", "inherit"),
        text_decoration=rx.cond(p["s"] == "1", "line-through", "inherit"),
        font_family=rx.cond(p["m"] == "1", "ui-monospace, monospace", "inherit"),
        class_name=rx.cond(p["b"] == "1", "wa-bold", "") + rx.cond(p["i"] == "1", " wa-italic",
                                                                   ""),
    )


def formatted_text(parts: rx.Var, **props) -> rx.Component:
    """A message text with WhatsApp's formatting applied (pieces from core.wa_format)."""
    return rx.text(rx.foreach(parts, _piece), size=props.pop("size", "2"),
                   white_space="pre-wrap", **props)


def bubble_body(m: rx.Var) -> rx.Component:
    """Header, media, text and footer of a message, as WhatsApp shows them."""
    return rx.vstack(
        rx.cond(m.header != "", rx.text(m.header, weight="bold", size="2")),
        rx.cond(
            m.type == "media",
            rx.match(
                m.media_kind,
                ("image", rx.image(src=m.media_url, max_width="220px", border_radius="8px",
                                   class_name="sim-media-image")),
                ("video", rx.el.video(src=m.media_url, controls=True, preload="metadata",
                                      style={"max_width": "240px", "border_radius": "8px"},
                                      class_name="sim-media-video")),
                ("audio", rx.el.audio(src=m.media_url, controls=True, preload="none",
                                      style={"max_width": "240px"},
                                      class_name="sim-media-audio")),
                rx.link(
                    rx.hstack(
                        rx.center(rx.icon("file-text", size=18, color="white"),
                                  background="#e55353", border_radius="6px", padding="6px"),
                        rx.text(m.media_name, size="2", weight="medium", max_width="180px",
                                overflow="hidden", text_overflow="ellipsis",
                                white_space="nowrap"),
                        rx.icon("download", size=14),
                        align="center", spacing="2", padding="6px",
                        background=rx.color("gray", 3), border_radius="8px",
                    ),
                    href=m.media_url, is_external=True, underline="none",
                    class_name="sim-media-document",
                ),
            ),
        ),
        rx.cond(m.text != "", formatted_text(m.parts)),
        rx.cond(m.map_url != "", rx.link(
            rx.hstack(rx.icon("map-pin", size=14), rx.text(t("msg.map"), size="2"),
                      spacing="1", align="center"),
            href=m.map_url, is_external=True, class_name="msg-map-link")),
        rx.cond(m.footer != "", rx.text(m.footer, size="1", color_scheme="gray")),
        spacing="1",
        align="start",
    )
