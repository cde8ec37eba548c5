"""`guarded_load`: the block every page's `load` began with, written once.

A page's load event showed the spinner (`loaded = False`), let the browser draw it (`yield`),
asked `SessionState._guard` whether the page may be shown (login, business, role, admin,
two-step setup) and followed its redirect — then did its own work and hid the spinner. With
`in_place=True`, coming back to the page it last loaded (same address, same business) keeps the
content on screen while it refreshes instead of blinking to the spinner: unmounting it threw
away what someone had just started typing (a debounced field loses its pending change). Only
where the refresh replaces nothing one may be using: on the inbox, a menu opened on the stale
page lost its choices when the refresh arrived. The decorated body is only that own work, called
with the guard's `AuthContext`; it may be a coroutine (what it returns, an event or a redirect,
is sent on) or an async generator (what it yields is sent on). `loaded` turns True when the body
is done, whichever way it ended.

    @rx.event
    @guarded_load(agent_ok=True)
    async def load(self, ctx):
        self.rows = await call(_rows, tenant_id=ctx.tenant_id)
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any


def guarded_load(*, in_place: bool = False, **guard: Any,
                 ) -> Callable[[Callable[..., Any]], Callable[..., AsyncIterator]]:
    """`guard`: the keywords of `SessionState._guard` (need_tenant, admin, agent_ok,
    two_factor_setup)."""

    def decorate(body: Callable[..., Any]) -> Callable[..., AsyncIterator]:
        async def load(self) -> AsyncIterator:
            page = self.get_full_name()
            if not (in_place and self.loaded and self._loaded_pages.get(page) == _where(self)):
                self.loaded = False
                yield
            ctx, redirect = await self._guard(**guard)
            if redirect:
                yield redirect
                return
            out = body(self, ctx)
            if inspect.isasyncgen(out):
                async for update in out:
                    yield update
            else:
                follow = await out
                if follow is not None:
                    yield follow
            self.loaded = True
            if in_place:
                self._loaded_pages = {**self._loaded_pages, page: _where(self)}

        # (not functools.wraps: Reflex reads the handler's signature, which is `(self)`)
        load.__name__, load.__qualname__ = body.__name__, body.__qualname__
        load.__doc__, load.__module__ = body.__doc__, body.__module__
        return load

    return decorate


def _where(state: Any) -> str:
    """The address and business a page state shows (the business as the guard last set it)."""
    return f"{state.router.url.path}|{state.tenant_key}"
