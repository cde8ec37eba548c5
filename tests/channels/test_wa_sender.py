"""GraphSender against the fake Graph API: success, retries, give-ups, timeouts."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from ylada_app.channels.whatsapp_cloud.sender import (
    GraphSender,
    SyncGraphSender,
    classify,
    parse_retry_after,
)

from .conftest import PHONE_ID, TOKEN, run

TO = "5511987654321"
TEXT = {"type": "text", "text": "Olá, tudo bem?"}


def make_sender(graph, **kw) -> GraphSender:
    opts = {
        "graph_url": graph.base_url,
        "version": graph.version,
        "timeout_s": 2.0,
        "base_delay_s": 0.01,
        "max_delay_s": 0.05,
    }
    opts.update(kw)
    return GraphSender(**opts)


async def _send(graph, message=TEXT, *, phone=PHONE_ID, token=TOKEN, to=TO, **kw):
    async with make_sender(graph, **kw) as sender:
        return await sender.send(phone, token, to, message)


def test_success_returns_the_wamid(graph):
    result = run(_send(graph))
    assert result.ok and result.wamid.startswith("wamid.") and result.attempts == 1
    assert result.status_code == 200 and not result.retryable
    [req] = graph.requests
    assert req["method"] == "POST" and req["path"] == f"/v21.0/{PHONE_ID}/messages"
    assert req["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert req["json"]["text"]["body"] == "Olá, tudo bem?"
    assert graph.sent[0]["wamid"] == result.wamid and graph.sent[0]["to"] == TO


def test_one_client_is_reused_across_sends(graph):
    async def many():
        async with make_sender(graph) as sender:
            return [await sender.send(PHONE_ID, TOKEN, TO, TEXT) for _ in range(20)]

    results = run(many())
    assert all(r.ok for r in results) and len({r.wamid for r in results}) == 20
    assert len({tuple(r["client"]) for r in graph.requests}) == 1  # one keep-alive connection


def test_429_then_success_honours_retry_after(graph):
    graph.fail_next(429, retry_after=0.3)
    started = time.monotonic()
    result = run(_send(graph))
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.3
    assert len(graph.requests) == 2 and len(graph.sent) == 1


def test_429_without_retry_after_uses_backoff(graph):
    graph.fail_next(429, count=2)
    result = run(_send(graph))
    assert result.ok and result.attempts == 3


def test_throttling_code_in_a_400_is_retried(graph):
    graph.fail_next(400, body={"error": {"message": "(#130429) Rate limit hit", "code": 130429}})
    assert run(_send(graph)).attempts == 2


def test_500_every_time_gives_up_retryable(graph):
    graph.fail_next(500, count=10)
    result = run(_send(graph, max_attempts=4))
    assert not result.ok and result.retryable
    assert result.attempts == 4 and len(graph.requests) == 4
    assert result.status_code == 500 and result.error_code == 131000
    assert result.error_kind == "server"


def test_400_is_not_retried(graph):
    graph.fail_next(400)
    result = run(_send(graph))
    assert not result.ok and not result.retryable and result.attempts == 1
    assert result.error_code == 100 and result.error_kind == "rejected"
    assert len(graph.requests) == 1


def test_24h_window_error_is_not_retryable_and_keeps_the_code(graph):
    graph.fail_next(
        400,
        body={
            "error": {
                "message": "(#131047) Re-engagement message",
                "type": "OAuthException",
                "code": 131047,
                "error_data": {
                    "messaging_product": "whatsapp",
                    "details": "More than 24 hours have passed since the customer last "
                    "replied to this number.",
                },
                "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
            }
        },
    )
    result = run(_send(graph))
    assert (result.ok, result.retryable, result.attempts) == (False, False, 1)
    assert result.error_code == 131047 and result.error_kind == "window"
    assert "24 hours" in result.error_message


def test_pair_rate_limit_is_retryable_later_not_now(graph):
    graph.fail_next(
        400, count=3, body={"error": {"message": "(#131056) pair rate limit hit", "code": 131056}}
    )
    result = run(_send(graph))
    assert result.retryable and result.attempts == 1 and result.error_kind == "rate_limited"


def test_bad_token_is_an_auth_error(graph):
    result = run(_send(graph, token="EAAG-wrong"))
    assert result.error_kind == "auth" and result.status_code == 401
    assert result.error_code == 190 and not result.retryable and result.attempts == 1


def test_retry_after_beyond_cap_is_handed_back(graph):
    graph.fail_next(429, retry_after=120)
    started = time.monotonic()
    result = run(_send(graph, retry_after_cap_s=1.0))
    assert time.monotonic() - started < 5.0  # handed back at once, not after 120 s
    assert not result.ok and result.retryable and result.retry_after_s == 120
    assert result.attempts == 1


def test_timeout_is_retried(graph):
    graph.delay_s = 1.0

    async def sleep_and_recover(delay):
        graph.delay_s = 0  # Meta is fast again before the retry
        await asyncio.sleep(delay)

    result = run(_send(graph, timeout_s=0.2, sleep=sleep_and_recover))
    assert result.ok and result.attempts == 2
    assert len([r for r in graph.requests if r["method"] == "POST"]) == 2


def test_timeouts_every_time_give_up_retryable(graph):
    graph.delay_s = 0.5
    result = run(_send(graph, timeout_s=0.1, max_attempts=2))
    assert not result.ok and result.retryable and result.error_kind == "timeout"
    assert result.attempts == 2 and result.status_code is None


def test_connection_refused_is_retried_then_reported():
    sender = GraphSender(
        graph_url="http://127.0.0.1:9",
        version="v21.0",
        timeout_s=0.5,
        max_attempts=3,
        base_delay_s=0.01,
    )

    async def go():
        async with sender:
            return await sender.send(PHONE_ID, TOKEN, TO, TEXT)

    result = run(go())
    assert not result.ok and result.retryable and result.error_kind == "network"
    assert result.attempts == 3


def test_down_graph_is_retryable(graph):
    graph.down = True
    result = run(_send(graph, max_attempts=2))
    assert result.status_code == 503 and result.retryable and result.error_code == 2


def test_invalid_message_is_not_sent(graph):
    result = run(_send(graph, {"type": "buttons", "text": "x", "buttons": []}))
    assert result.error_kind == "invalid_payload" and result.attempts == 0
    assert graph.requests == []


def test_phone_number_id_cannot_escape_the_path(graph):
    result = run(_send(graph, phone="../../me"))
    assert result.error_kind == "invalid_payload" and graph.requests == []


def test_mark_read(graph):
    async def go():
        async with make_sender(graph) as sender:
            return await sender.mark_read(PHONE_ID, TOKEN, "wamid.IN1", typing=True)

    result = run(go())
    assert result.ok and result.wamid is None
    assert graph.requests[0]["json"] == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN1",
        "typing_indicator": {"type": "text"},
    }


def test_every_engine_message_kind_is_accepted_by_the_fake(graph):
    messages = [
        TEXT,
        {"type": "media", "kind": "image", "url": "https://x/y.png", "caption": "c"},
        {"type": "buttons", "text": "t", "buttons": [{"id": "1", "title": "Sim"}]},
        {
            "type": "list",
            "text": "t",
            "button_label": "Ver",
            "sections": [{"title": "S", "rows": [{"id": "r", "title": "R"}]}],
        },
        {"type": "template", "name": "hello_world", "language": "en_US"},
        {"type": "reaction", "message_id": "wamid.X", "emoji": "👍"},
    ]

    async def go():
        async with make_sender(graph) as sender:
            return await asyncio.gather(*[sender.send(PHONE_ID, TOKEN, TO, m) for m in messages])

    results = run(go())
    assert all(r.ok for r in results), results
    # sent concurrently: the fake receives them in any order
    assert sorted(s["type"] for s in graph.sent) == sorted(
        ["text", "image", "interactive", "interactive", "template", "reaction"]
    )


def test_sync_wrapper_from_several_threads(graph):
    sender = SyncGraphSender(graph_url=graph.base_url, version=graph.version, timeout_s=2.0)
    results = []
    try:
        threads = [
            threading.Thread(target=lambda: results.append(sender.send(PHONE_ID, TOKEN, TO, TEXT)))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sender.mark_read(PHONE_ID, TOKEN, "wamid.Z").ok
    finally:
        sender.close()
    assert len(results) == 4 and all(r.ok for r in results)
    assert len({r.wamid for r in results}) == 4


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, None, (True, True, "rate_limited")),
        (400, 130429, (True, True, "rate_limited")),
        (400, 4, (True, True, "rate_limited")),
        (400, 131056, (True, False, "rate_limited")),
        (500, None, (True, True, "server")),
        (503, 2, (True, True, "server")),
        (400, 131000, (True, True, "server")),
        (400, 100, (False, False, "rejected")),
        (400, 131026, (False, False, "rejected")),
        (400, 131047, (False, False, "window")),
        (401, 190, (False, False, "auth")),
        (403, 200, (False, False, "auth")),
        (404, None, (False, False, "rejected")),
    ],
)
def test_classify(status, code, expected):
    assert classify(status, code) == expected


def test_parse_retry_after():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


def test_defaults_come_from_settings(graph, monkeypatch):
    from ylada_app.core.settings import reset_settings_cache

    monkeypatch.setenv("WHATSAPP_GRAPH_URL", graph.base_url + "/")
    monkeypatch.setenv("WHATSAPP_GRAPH_TIMEOUT_S", "3.5")
    reset_settings_cache()
    try:

        async def go():
            async with GraphSender() as sender:
                assert sender.graph_url == graph.base_url and sender.timeout_s == 3.5
                return await sender.send(PHONE_ID, TOKEN, TO, TEXT)

        assert run(go()).ok
    finally:
        reset_settings_cache()


# --- the blocking sender used by the workers -----------------------------------------------

def test_threaded_sender_sends_retries_and_refuses(graph):
    from tests.channels.conftest import PHONE_ID, TOKEN
    from ylada_app.channels.whatsapp_cloud.sender import ThreadedGraphSender

    sleeps: list[float] = []
    sender = ThreadedGraphSender(graph_url=graph.base_url, version=graph.version,
                                 sleep=sleeps.append, rng=lambda: 0.0)
    try:
        ok = sender.send(PHONE_ID, TOKEN, "5511988887777", {"type": "text", "text": "oi"})
        assert ok.ok and ok.wamid and ok.attempts == 1
        graph.fail_next(429, count=2)
        retried = sender.send(PHONE_ID, TOKEN, "5511988887777", {"type": "text", "text": "de novo"})
        assert retried.ok and retried.attempts == 3 and len(sleeps) == 2
        graph.fail_next(400, body={"error": {"code": 100, "message": "bad param"}})
        refused = sender.send(PHONE_ID, TOKEN, "5511988887777", {"type": "text", "text": "x"})
        assert not refused.ok and not refused.retryable and refused.attempts == 1
        graph.fail_next(503, count=10)
        gave_up = sender.send(PHONE_ID, TOKEN, "5511988887777", {"type": "text", "text": "y"})
        assert not gave_up.ok and gave_up.retryable and gave_up.attempts == 5
        assert not sender.send("../x", TOKEN, "1", {"type": "text", "text": "z"}).ok
    finally:
        sender.close()
