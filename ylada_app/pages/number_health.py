"""/instances/[iid]/health: a WhatsApp number as Meta sees it — token, number, webhooks,
quality rating, messaging tier, display name — as last checked (every 6 h by a job), with
"verificar agora"."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from ylada_app.components.layout import app_shell, card, detail_header, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.pages.instances import path_segment
from ylada_app.services import instances, number_events
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

TIERS = {"TIER_50": "50", "TIER_250": "250", "TIER_1K": "1.000", "TIER_2K": "2.000",
         "TIER_10K": "10.000", "TIER_100K": "100.000", "TIER_UNLIMITED": "∞"}
# Meta's latest account notice: how it reads on the page (a lifted ban is good news)
_NOTICE_LEVEL = {"number.notice.DISABLED_UPDATE.REINSTATE": "ok"}


def health_rows(inst, lang_t) -> list[dict[str, str]]:
    """The page's rows: label, value and a level (ok | warn | bad | none) for the badge."""
    h = inst.health or {}
    if not h:
        return []

    def yes_no(value) -> tuple[str, str]:
        if value is None:
            return lang_t("health.unknown"), "none"
        return (lang_t("health.yes"), "ok") if value else (lang_t("health.no"), "bad")

    quality = str(h.get("quality_rating") or "")
    q_level = {"GREEN": "ok", "YELLOW": "warn", "RED": "bad"}.get(quality, "none")
    q_text = lang_t(f"health.q.{quality}") if q_level != "none" else lang_t("health.unknown")
    rows = [("health.token", *yes_no(h.get("token_ok"))),
            ("health.number", *yes_no(h.get("number_found"))),
            ("health.webhooks", *yes_no(h.get("webhook_subscribed"))),
            ("health.quality", q_text, q_level),
            ("health.tier", TIERS.get(str(h.get("messaging_tier") or ""),
                                      lang_t("health.unknown")), "none"),
            ("health.name", *_name_status(str(h.get("name_status") or ""), lang_t))]
    return [{"label": lang_t(key), "value": value, "level": level}
            for key, value, level in rows]


def meta_notice(inst, lang: str) -> tuple[str, str, str]:
    """Meta's latest account notice (violation, ban, restriction) in words: (text, level,
    when it came as dd/mm/yyyy), or empty strings when there is none."""
    notice = (inst.health or {}).get(number_events.NOTICE_KEY)
    key = str(notice.get("key") or "") if isinstance(notice, dict) else ""
    if not key.startswith("number.notice."):
        return "", "", ""
    try:
        at = local_text(datetime.fromisoformat(str(notice.get("at") or "")), "%d/%m/%Y %H:%M")
    except ValueError:
        at = ""
    return (number_events.notice_text(key, notice, lang), _NOTICE_LEVEL.get(key, "bad"), at)


def _name_status(status: str, lang_t) -> tuple[str, str]:
    level = {"APPROVED": "ok", "AVAILABLE_WITHOUT_REVIEW": "ok", "PENDING_REVIEW": "warn",
             "DECLINED": "bad", "EXPIRED": "bad"}.get(status)
    if level is None:
        return lang_t("health.unknown"), "none"
    return lang_t(f"health.name.{status}"), level


class NumberHealthState(SessionState):
    name: str = ""
    channel: str = ""
    rows: list[dict[str, str]] = []
    notice: str = ""  # Meta's latest account notice, in words
    notice_level: str = ""
    notice_at: str = ""
    checked_at: str = ""
    problem: str = ""
    error: str = ""
    busy: bool = False
    back_href: str = ""
    missing: bool = False
    loaded: bool = False

    def _key(self) -> str:
        return path_segment(self.router.url.path, 1)

    def _show(self, inst) -> None:
        self.name, self.channel = inst.name, inst.channel
        self.back_href = f"/instances/{inst.id}"
        self.rows = health_rows(inst, self._t)
        self.notice, self.notice_level, self.notice_at = meta_notice(inst, self.lang)
        self.checked_at = local_text(inst.last_checked_at, "%d/%m/%Y %H:%M") \
            if inst.last_checked_at and inst.health else ""
        self.problem = self._t(inst.status_detail) if inst.status_detail else ""

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        try:
            inst = await call(instances.get_instance, tenant_id=ctx.tenant_id,
                              instance_id=self._key())
        except NotFound:
            self.missing, self.loaded = True, True
            return
        self.missing, self.error = False, ""
        self._show(inst)

    @rx.event
    async def check_now(self):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy, self.error = True, ""
        yield
        try:
            inst = await call(instances.check_health_now, tenant_id=ctx.tenant_id,
                              instance_id=self._key())
        except ServiceError as exc:
            self.busy, self.error = False, self._error_text(exc)
            return
        self._show(inst)
        self.busy = False


def _row(row: rx.Var) -> rx.Component:
    color = rx.match(row["level"], ("ok", "jade"), ("warn", "amber"), ("bad", "red"), "gray")
    return rx.table.row(
        rx.table.cell(rx.text(row["label"], size="2"), width="50%"),
        rx.table.cell(rx.badge(row["value"], color_scheme=color, variant="soft",
                               class_name="health-value")),
        class_name="health-row",
    )


def number_health_page() -> rx.Component:
    s = NumberHealthState
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                detail_header(s.back_href, t("health.title"), help_topic="whatsapp",
                              name=s.name, actions=[rx.cond(s.channel != "simulator", rx.button(
                                  rx.icon("refresh-cw", size=16), t("health.check_now"),
                                  on_click=s.check_now, loading=s.busy, id="health-check"))]),
                rx.text(t("health.subtitle"), color_scheme="gray"),
                rx.cond(s.error != "", rx.callout(s.error, color_scheme="red", width="100%",
                                                  id="health-error")),
                rx.cond(s.problem != "", rx.callout(s.problem, icon="triangle-alert",
                                                    color_scheme="orange", width="100%",
                                                    id="health-problem")),
                rx.cond(s.notice != "", rx.callout(
                    rx.text(rx.text.strong(t("health.notice")), " (", s.notice_at, "): ",
                            s.notice),
                    icon=rx.cond(s.notice_level == "ok", "circle-check", "shield-alert"),
                    color_scheme=rx.cond(s.notice_level == "ok", "jade", "red"),
                    width="100%", max_width="720px", id="health-notice")),
                card(
                    rx.cond(
                        s.rows.length() > 0,
                        rx.vstack(
                            rx.table.root(rx.table.body(rx.foreach(s.rows, _row)),
                                          width="100%", size="2"),
                            rx.text(t("health.checked_at"), ": ", s.checked_at, size="1",
                                    color_scheme="gray", id="health-checked-at"),
                            width="100%",
                        ),
                        # A simulator is never checked: say why instead of "not yet".
                        rx.cond(s.channel == "simulator",
                                rx.text(t("health.not_whatsapp"), color_scheme="gray",
                                        id="health-simulator"),
                                rx.text(t("health.never"), color_scheme="gray",
                                        id="health-never")),
                    ),
                    max_width="720px",
                ),
                spacing="4", width="100%",
            ),
        ),
        ready=s.loaded,
    )
