"""The HTTP API (FastAPI): health, WhatsApp webhooks; later Stripe and the public REST v1.

Importable as `ylada_app.api:app`, mounted into Reflex with `api_transformer`, and
runnable alone (`uvicorn ylada_app.api:app`) for webhook-only nodes.
"""

from ylada_app.api.main import app, create_app

__all__ = ["app", "create_app"]
