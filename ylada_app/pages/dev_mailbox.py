"""/dev/emails: the local mailbox of `make run` (no SMTP configured, never in production, only
to a browser on the same machine).

Every e-mail the app would have sent — verification, invitations, password resets — is
listed here with its links, so a newcomer can follow them without a mail server.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.services import emails
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _items(session, *, to: str, client_ip: str) -> list[dict]:
    return [
        {"id": str(m.id), "to": m.to, "subject": m.subject, "text": m.text,
         "links": list(m.links), "when": local_text(m.created_at, "%d/%m %H:%M:%S")}
        for m in emails.local_mailbox(session, to=to, client_ip=client_ip)
    ]


class MailboxState(SessionState):
    enabled: bool = False
    items: list[dict] = []
    loaded: bool = False
    to: str = ""

    @rx.event
    async def load(self):
        self.enabled = emails.local_mailbox_enabled(self._client_ip())
        self._sync_lang()
        self.to = (self.router.url.query_parameters.get("to") or "")[:254]
        self.items = await call(_items, to=self.to, client_ip=self._client_ip()) \
            if self.enabled else []
        self.loaded = True

    @rx.event
    async def refresh(self):
        if self.enabled:
            self.items = await call(_items, to=self.to, client_ip=self._client_ip())


def _mail(item: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(rx.text(item["subject"], weight="bold"), rx.spacer(),
                      rx.text(item["when"], size="1", color_scheme="gray"), width="100%"),
            rx.text(t("mailbox.to"), " ", item["to"], size="2", color_scheme="gray",
                    class_name="mail-to"),
            rx.foreach(item["links"].to(list[str]),
                       lambda link: rx.link(link, href=link, size="2", class_name="mail-link",
                                            word_break="break-all")),
            rx.el.details(rx.el.summary(t("mailbox.show_text")),
                          rx.el.pre(item["text"], white_space="pre-wrap", font_size="12px")),
            spacing="2", width="100%", align="start",
        ),
        border=f"1px solid {rx.color('gray', 4)}", border_radius="10px", padding="12px",
        width="100%", class_name="mail-item",
    )


def mailbox_page() -> rx.Component:
    s = MailboxState
    return public_shell(rx.vstack(
        rx.hstack(rx.heading(t("mailbox.title"), size="5"), rx.spacer(),
                  rx.button(rx.icon("refresh-cw", size=14), t("mailbox.refresh"), size="1",
                            variant="soft", on_click=s.refresh, id="mailbox-refresh"),
                  width="100%", align="center"),
        rx.cond(
            s.enabled,
            rx.vstack(
                rx.text(t("mailbox.help"), size="2", color_scheme="gray"),
                rx.cond(s.items.length() == 0, rx.text(t("mailbox.empty"), color_scheme="gray")),
                rx.foreach(s.items, _mail),
                spacing="3", width="100%",
            ),
            rx.text(t("mailbox.disabled"), color_scheme="gray", id="mailbox-disabled"),
        ),
        spacing="3", width="100%",
    ))
