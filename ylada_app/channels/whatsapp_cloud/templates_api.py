"""Message templates on the Graph API: submit (`POST /{waba-id}/message_templates`), list
(`GET`, for syncing statuses) and delete (`DELETE …?name=`), and the example file of a
media header (the Resumable Upload API: `POST /{app-id}/uploads` opens a session, `POST
/{session-id}` with the bytes answers its handle). Answers are reduced to what the service
needs; nothing here raises on a Graph or network error."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GraphAnswer:
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""  # Meta's message (shown to the business: it says what to fix)
    code: int | None = None
    # A text key when Meta never answered (or answered nothing usable): an exception's
    # class name or an internal step means nothing to the business.
    error_key: str = ""


def _url(waba_id: str) -> str:
    s = get_settings()
    return f"{s.whatsapp_graph_url.rstrip('/')}/{s.whatsapp_graph_version}/{waba_id}/" \
        "message_templates"


def _call(method: str, waba_id: str, token: str, *, url: str | None = None,
          headers: dict[str, str] | None = None, **kwargs: Any) -> GraphAnswer:
    try:
        resp = httpx.request(method, url or _url(waba_id),
                             headers=headers or {"Authorization": f"Bearer {token}"},
                             timeout=get_settings().whatsapp_graph_timeout_s, **kwargs)
    except httpx.HTTPError as exc:
        log.warning("graph templates %s failed: %s", method, exc)
        return GraphAnswer(False, error_key="error.graph_unavailable")
    try:
        body = resp.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if 200 <= resp.status_code < 300:
        return GraphAnswer(True, body)
    err = body.get("error") if isinstance(body.get("error"), dict) else {}
    message = str(err.get("error_user_msg") or err.get("message") or resp.status_code)
    return GraphAnswer(False, body, message[:300], err.get("code"))


def submit(waba_id: str, token: str, template: dict[str, Any]) -> GraphAnswer:
    """{"name", "language", "category", "components"} → {"id", "status", "category"}."""
    return _call("POST", waba_id, token, json=template)


def list_all(waba_id: str, token: str) -> GraphAnswer:
    """Every template of the account (following Graph's pages): data = {"data": [...]}."""
    items: list[dict] = []
    params: dict[str, Any] = {"fields": "id,name,language,status,category,rejected_reason",
                              "limit": 100}
    for _ in range(50):  # at most 5,000 templates (Meta allows 250 per account)
        answer = _call("GET", waba_id, token, params=params)
        if not answer.ok:
            return answer
        items += [t for t in answer.data.get("data") or [] if isinstance(t, dict)]
        after = ((answer.data.get("paging") or {}).get("cursors") or {}).get("after")
        if not after or not (answer.data.get("paging") or {}).get("next"):
            break
        params = {**params, "after": after}
    return GraphAnswer(True, {"data": items})


def delete(waba_id: str, token: str, name: str, meta_id: str | None = None) -> GraphAnswer:
    params = {"name": name, **({"hsm_id": meta_id} if meta_id else {})}
    return _call("DELETE", waba_id, token, params=params)


def upload(app_id: str, token: str, data: bytes, mime: str) -> GraphAnswer:
    """A media header's example file → data = {"h": handle} (what `header_handle` takes).
    One session, the whole file at offset 0 (Meta's caps keep it to one request)."""
    s = get_settings()
    base = f"{s.whatsapp_graph_url.rstrip('/')}/{s.whatsapp_graph_version}"
    opened = _call("POST", "", token, url=f"{base}/{app_id}/uploads",
                   params={"file_length": len(data), "file_type": mime})
    session_id = str(opened.data.get("id") or "") if opened.ok else ""
    if not opened.ok or not session_id.startswith("upload:"):
        return opened if not opened.ok else GraphAnswer(
            False, opened.data, error_key="templates.error.upload")
    done = _call("POST", "", token, url=f"{base}/{session_id}", content=data,
                 headers={"Authorization": f"OAuth {token}", "file_offset": "0",
                          "Content-Type": mime})
    if done.ok and not done.data.get("h"):
        return GraphAnswer(False, done.data, error_key="templates.error.upload")
    return done
