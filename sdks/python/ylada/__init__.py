"""ylada's Python SDK: the public API (`Ylada`, `AsyncYlada`) and webhook verification."""

from ylada.client import AsyncYlada, Ylada, YladaError
from ylada.webhooks import WebhookVerificationError, verify_webhook

__all__ = ["AsyncYlada", "WebhookVerificationError", "Ylada", "YladaError", "verify_webhook"]
__version__ = "1.0.0"
