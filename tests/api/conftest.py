"""Fixtures of the public API's tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ylada_app.api import app
from ylada_app.core import ratelimit


@pytest.fixture
def api(database_url):
    """The whole app in-process (the API is mounted under /api/v1), rate limits reset."""
    ratelimit.reset_memory()
    with TestClient(app) as client:
        yield client
