"""An output channel that records what would be sent (simulator and tests).

Same `send(phone_number_id, token, to, message)` coroutine as `GraphSender`, same
`SendResult`. Messages go through the real `build_payload`, so a message Meta would
reject is rejected here too (`ok=False, error_kind="invalid_payload"`), and the
recorded `payload` is exactly the JSON the Cloud API would receive.
"""

from __future__ import annotations

import itertools
import secrets

from .whatsapp_cloud.payloads import PayloadError, build_payload, mark_read_payload
from .whatsapp_cloud.sender import SendResult


class CollectingOutputChannel:
    name = "collector"

    def __init__(self) -> None:
        # {"to", "message", "wamid", "phone_number_id", "payload"}
        self.messages: list[dict] = []
        self.reads: list[str] = []  # wamids marked as read
        self._prefix = secrets.token_hex(4)
        self._counter = itertools.count(1)

    def _new_wamid(self) -> str:
        return f"wamid.sim.{self._prefix}.{next(self._counter)}"

    async def send(
        self, phone_number_id: str, token: str | None, to: str, message: dict
    ) -> SendResult:
        try:
            payload = build_payload(to, message)
        except PayloadError as exc:
            return SendResult(
                ok=False, error_kind="invalid_payload", error_message=str(exc), attempts=0
            )
        wamid = self._new_wamid()
        self.messages.append(
            {
                "to": to,
                "message": message,
                "wamid": wamid,
                "phone_number_id": phone_number_id,
                "payload": payload,
            }
        )
        return SendResult(ok=True, wamid=wamid, status_code=200, attempts=1)

    async def mark_read(
        self, phone_number_id: str, token: str | None, wamid: str, *, typing: bool = False
    ) -> SendResult:
        try:
            mark_read_payload(wamid, typing=typing)
        except PayloadError as exc:
            return SendResult(ok=False, error_kind="invalid_payload", error_message=str(exc))
        self.reads.append(wamid)
        return SendResult(ok=True, status_code=200, attempts=1)

    def texts(self, to: str | None = None) -> list[str]:
        """Visible text of each recorded message (body, caption or template name)."""
        out = []
        for item in self.messages:
            if to is None or item["to"] == to:
                msg = item["message"]
                out.append(str(msg.get("text") or msg.get("caption") or msg.get("name") or ""))
        return out

    def latest(self) -> dict | None:
        return self.messages[-1] if self.messages else None

    def clear(self) -> None:
        self.messages.clear()
        self.reads.clear()
