"""The fake Graph API itself, and graph.check_phone_number against it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.core.settings import reset_settings_cache
from ylada_app.testing.fake_graph import FakeGraph

from .conftest import PHONE_ID, TOKEN

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = {"messaging_product": "whatsapp", "to": "5511", "type": "text", "text": {"body": "oi"}}


def test_get_phone_number(graph):
    resp = httpx.get(
        f"{graph.base_url}/v21.0/{PHONE_ID}",
        headers=AUTH,
        params={"fields": "display_phone_number,verified_name"},
    )
    assert resp.status_code == 200
    assert resp.json() == {
        "id": PHONE_ID,
        "display_phone_number": "+55 11 99999-0000",
        "verified_name": "Loja Demo",
        "quality_rating": "GREEN",
        "messaging_limit_tier": "TIER_1K",
        "name_status": "APPROVED",
    }
    assert graph.requests[0]["query"].startswith("fields=")


def test_get_with_unknown_token_and_unknown_id(graph):
    bad = httpx.get(f"{graph.base_url}/v21.0/{PHONE_ID}", headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
    err = bad.json()["error"]
    assert err["code"] == 190 and err["type"] == "OAuthException" and err["fbtrace_id"]
    missing = httpx.get(f"{graph.base_url}/v21.0/999", headers=AUTH)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == 100 and missing.json()["error"]["error_subcode"] == 33


def test_post_message_answers_like_meta(graph):
    resp = httpx.post(f"{graph.base_url}/v21.0/{PHONE_ID}/messages", headers=AUTH, json=TEXT)
    body = resp.json()
    assert resp.status_code == 200 and body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "5511", "wa_id": "5511"}]
    wamid = body["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    assert graph.sent == [{**TEXT, "wamid": wamid, "phone_number_id": PHONE_ID}]


@pytest.mark.parametrize(
    "payload",
    [
        {"to": "5511", "type": "text", "text": {"body": "x"}},  # no messaging_product
        {"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}},  # no to
        {"messaging_product": "whatsapp", "to": "5511", "type": "telepathy"},
        {"messaging_product": "whatsapp", "to": "5511", "type": "image"},  # no image object
        {"messaging_product": "whatsapp", "to": "5511", "type": "text", "text": {}},
        ["not", "an", "object"],
    ],
)
def test_bad_message_shape_is_a_graph_400(graph, payload):
    resp = httpx.post(f"{graph.base_url}/v21.0/{PHONE_ID}/messages", headers=AUTH, json=payload)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == 100
    assert graph.sent == []


def test_fail_next_counts_and_custom_bodies(graph):
    url = f"{graph.base_url}/v21.0/{PHONE_ID}/messages"
    graph.fail_next(503, count=2, retry_after=1.5)
    graph.fail_next(400, body={"error": {"code": 131047, "message": "Re-engagement"}})
    answers = [httpx.post(url, headers=AUTH, json=TEXT) for _ in range(4)]
    assert [a.status_code for a in answers] == [503, 503, 400, 200]
    assert answers[0].headers["retry-after"] == "1.5"
    assert answers[2].json()["error"]["code"] == 131047
    assert len(graph.requests) == 4 and len(graph.sent) == 1


def test_down_answers_503_for_get_and_post(graph):
    graph.down = True
    assert httpx.get(f"{graph.base_url}/v21.0/{PHONE_ID}", headers=AUTH).status_code == 503
    post = httpx.post(f"{graph.base_url}/v21.0/{PHONE_ID}/messages", headers=AUTH, json=TEXT)
    assert post.status_code == 503


def test_reset_and_unknown_paths(graph):
    assert httpx.get(f"{graph.base_url}/v99.0/{PHONE_ID}", headers=AUTH).status_code == 400
    graph.delay_s, graph.down = 1.0, True
    graph.fail_next(500, count=3)
    graph.reset()
    assert graph.requests == [] and graph.phone_numbers == {}
    assert graph.delay_s == 0 and graph.down is False
    graph.add_number(PHONE_ID, TOKEN)
    resp = httpx.post(f"{graph.base_url}/v21.0/{PHONE_ID}/messages", headers=AUTH, json=TEXT)
    assert resp.status_code == 200


def test_two_instances_issue_distinct_wamids():
    with FakeGraph() as a, FakeGraph() as b:
        a.add_number("1", "T")
        b.add_number("1", "T")
        ids = {
            httpx.post(
                f"{g.base_url}/v21.0/1/messages", headers={"Authorization": "Bearer T"}, json=TEXT
            ).json()["messages"][0]["id"]
            for g in (a, b)
        }
        assert len(ids) == 2 and a.base_url != b.base_url


def test_check_phone_number_against_the_fake(graph, monkeypatch):
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", graph.base_url)
    reset_settings_cache()
    try:
        graph.add_number(
            "1098765432",
            TOKEN,
            display_phone_number="+55 11 98888-7777",
            verified_name="Loja Teste",
        )
        ok = check_phone_number("1098765432", TOKEN)
        assert ok.ok and ok.display_number == "+55 11 98888-7777"
        assert ok.verified_name == "Loja Teste"
        assert check_phone_number("1098765432", "EAAG-unknown").error == "auth"
        assert check_phone_number("5550001", TOKEN).error == "not_found"
        graph.down = True
        assert check_phone_number("1098765432", TOKEN).error == "unavailable"
    finally:
        reset_settings_cache()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_runs_standalone():
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ylada_app.testing.fake_graph",
            "--port",
            str(port),
            "--number",
            "123456789:TOKEN",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                resp = httpx.get(
                    f"http://127.0.0.1:{port}/v21.0/123456789",
                    headers={"Authorization": "Bearer TOKEN"},
                    timeout=1,
                )
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "CLI did not start"
                time.sleep(0.1)
        assert resp.status_code == 200 and resp.json()["id"] == "123456789"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
