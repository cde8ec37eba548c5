"""Two small bridges between a Reflex state and the browser's HTTP side.

- `request_cookie` reads one cookie from the socket's `Cookie` header (server-side: HttpOnly
  cookies are there, and scripts in the page never see them).
- `post_navigation` makes the browser submit a hidden form (a real POST navigation), so that
  the server's answer can set or clear HttpOnly cookies — which a WebSocket message cannot.
"""

from __future__ import annotations

import json

import reflex as rx


def request_cookie(header: str | None, name: str) -> str:
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return ""


def post_navigation(action: str, fields: dict[str, str]) -> rx.event.EventSpec:
    """Submit `fields` to `action` (a path on this site) as a form POST navigation."""
    script = (
        "(() => { const f = document.createElement('form'); f.method = 'POST'; "
        f"f.action = {json.dumps(action)}; f.style.display = 'none'; "
        f"for (const [k, v] of Object.entries({json.dumps(fields)})) {{ "
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = k; "
        "i.value = v; f.appendChild(i); } document.body.appendChild(f); f.submit(); })()"
    )
    return rx.call_script(script)
