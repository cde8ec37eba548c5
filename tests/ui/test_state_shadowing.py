"""No page state redefines a variable of the session state it extends: one did
(`RevenueState.tenants` as text over the session's list of businesses) and Reflex warned on
every visit while the menu's business switcher received the wrong type."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ylada_app.pages as pages
from ylada_app.state.session import SessionState


def test_page_states_do_not_shadow_session_vars():
    session_vars = set(SessionState.base_vars)
    clashes = []
    for info in pkgutil.iter_modules(pages.__path__):
        module = importlib.import_module(f"ylada_app.pages.{info.name}")
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, SessionState) and cls is not SessionState:
                own = cls.__dict__.get("__annotations__", {})
                clashes += [f"{name}.{var}" for var in own if var in session_vars]
    assert clashes == []
