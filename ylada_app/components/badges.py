"""Status badges with colours that read at a glance."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.texts import t

_COLORS = {
    "connected": "green", "active": "green", "draft": "gray", "error": "red",
    "disabled": "gray", "suspended": "red", "trialing": "blue", "past_due": "orange",
    "canceled": "gray", "inactive": "gray", "expired": "red",
}


# A flow is "o fluxo": its words agree with it (numbers, plans and businesses are feminine).
_FLOW_WORDS = {"active": "flow_status.active", "inactive": "flow_status.inactive"}


def status_badge(status: rx.Var, *, flow: bool = False) -> rx.Component:
    words = _FLOW_WORDS if flow else {}
    return rx.match(
        status,
        *[
            (key, rx.badge(t(words.get(key, f"status.{key}")), color_scheme=color,
                           variant="soft", size="2"))
            for key, color in _COLORS.items()
        ],
        rx.badge(status, variant="soft", size="2"),
    )
