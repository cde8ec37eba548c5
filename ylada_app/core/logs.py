"""Logging for the API and the workers: one setup, request ids on every line.

Production logs are JSON, one object per line (`LOG_FORMAT=json|text|auto`), so a log shipper
can index them; each line carries the request id of the webhook or API call it belongs to
(`request_id`, from `X-Request-Id` or made up). Per-request and per-send detail is DEBUG:
at INFO a worker writes one line per drained batch and per delivery round, and httpx's line
per Graph POST is silenced.
"""

from __future__ import annotations

import itertools
import logging
import os
from contextvars import ContextVar

from ylada_app.core.settings import get_settings

request_id: ContextVar[str] = ContextVar("ylada_request_id", default="-")
_ids = itertools.count(1)
_prefix = f"{os.getpid():x}"


def new_request_id(given: str | None = None) -> str:
    """`given` (a caller's X-Request-Id) if it is sane, else a cheap unique id; set for
    every log line of this request."""
    rid = given if given and 8 <= len(given) <= 64 and given.replace("-", "").isalnum() \
        else f"{_prefix}-{next(_ids):x}"
    request_id.set(rid)
    return rid


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure() -> None:
    """Install the handler on the root logger (idempotent)."""
    settings = get_settings()
    fmt = settings.log_format.lower()
    as_json = fmt == "json" or (fmt == "auto" and settings.is_production)
    handler = logging.StreamHandler()
    if as_json:
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(_WithRequestId())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "httpcore"):  # a line per Graph POST
        logging.getLogger(noisy).setLevel(logging.WARNING)
