"""Fixtures for the WhatsApp channel tests: a private fake Graph server and helpers."""

from __future__ import annotations

import asyncio

import pytest

from ylada_app.testing.fake_graph import FakeGraph

PHONE_ID = "106540352242922"
TOKEN = "EAAG" + "t" * 60
APP_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def _graph_server():
    graph = FakeGraph()
    graph.start()
    yield graph
    graph.stop()


@pytest.fixture
def graph(_graph_server):
    """A clean fake Graph API with one registered number (PHONE_ID / TOKEN)."""
    _graph_server.reset()
    _graph_server.add_number(PHONE_ID, TOKEN)
    yield _graph_server
    _graph_server.reset()


def run(coro):
    return asyncio.run(coro)
