"""A button that asks before it acts: destructive actions (suspend a business, deactivate a
template, end sessions) open a dialog that says what will happen, with Cancel as the easy way
out."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.texts import t


def confirm_button(
    trigger: rx.Component,
    *,
    title_key: str,
    body: rx.Component | str,
    confirm_key: str,
    on_confirm: rx.EventHandler | rx.event.EventSpec,
    color_scheme: str = "red",
    confirm_id: str = "",
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title_key)),
            rx.alert_dialog.description(body, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft",
                                                 color_scheme="gray")),
                rx.alert_dialog.action(rx.button(t(confirm_key), color_scheme=color_scheme,
                                                 on_click=on_confirm,
                                                 id=confirm_id or None)),
                spacing="3", justify="end", margin_top="16px",
            ),
            max_width="460px",
        ),
    )
