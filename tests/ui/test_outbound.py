"""Calls to a business's own servers (its AI model, SMTP server, a flow's HTTP block in the
test chat) run in their own pool, at most two at once per business: a server answering a
byte at a time cannot hold the threads every page's database work needs."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ylada_app.integrations import public_http
from ylada_app.state import outbound


def test_a_business_gets_two_calls_at_once_and_others_are_not_held():
    release = threading.Event()

    def slow():
        release.wait(10)
        return "done"

    async def scenario():
        first = asyncio.ensure_future(outbound.outbound(1, slow))
        second = asyncio.ensure_future(outbound.outbound(1, slow))
        await asyncio.sleep(0.05)
        with pytest.raises(outbound.Busy):
            await outbound.outbound(1, slow)
        # another business, and the default pool (database work), are not held
        other = await asyncio.wait_for(outbound.outbound(2, lambda: "other"), 2)
        default = await asyncio.wait_for(asyncio.to_thread(lambda: "db"), 2)
        release.set()
        return other, default, await first, await second

    # a fresh loop in a thread: Playwright's sync API may own this thread's loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, scenario()).result() == ("other", "db", "done", "done")
    assert outbound._in_flight == {}


def test_a_server_answering_a_byte_at_a_time_is_cut_at_the_total_timeout():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def drip():
        conn, _ = server.accept()
        conn.recv(65536)
        for b in b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000:
            if stop.is_set():
                break
            conn.send(bytes([b]))
            time.sleep(0.2)  # each read is quick: a per-read timeout never trips
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    started = time.monotonic()
    with public_http.client(total_timeout_s=1.5, timeout=5) as client, \
            pytest.raises(Exception) as err:
        client.get(url).read()
    stop.set()
    server.close()
    assert time.monotonic() - started < 3
    assert "timeout" in type(err.value).__name__.lower()
