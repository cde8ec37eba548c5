"""`t("key")`: a translated label bound to the session's language."""

from __future__ import annotations

import reflex as rx

from ylada_app.state.session import SessionState


def t(key: str) -> rx.Var:
    return SessionState.tr[key]
