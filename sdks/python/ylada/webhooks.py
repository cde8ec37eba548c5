"""Check that a webhook came from ylada: the Standard Webhooks signature (`webhook-id`,
`webhook-timestamp`, `webhook-signature`) over the raw body, with the endpoint's `whsec_…`
secret, and a timestamp within 5 minutes (replays of old deliveries are refused)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

__all__ = ["WebhookVerificationError", "verify_webhook"]


def verify_webhook(secret: str, body: bytes | str, headers: Mapping[str, str]) -> dict[str, Any]:
    """The event (`{"id", "type", "timestamp", "data"}`) if the signature holds; raises
    `WebhookVerificationError` otherwise. Pass the body exactly as received."""
    event = Webhook(secret).verify(body, dict(headers))
    if not isinstance(event, dict):
        raise WebhookVerificationError("not a ylada event")
    return event
