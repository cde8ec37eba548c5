"""Scale-out: two API processes and four workers share one PostgreSQL and one Redis; Meta
(the open-loop generator, with status callbacks) gets every reply exactly once and in order,
and one number's send rate is shared by all the workers."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.conftest import run_async
from ylada_app.core.db import dispose_engines
from ylada_app.core.settings import reset_settings_cache


@pytest.fixture
def isolated_env(redis_url, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("the production shape runs on PostgreSQL")
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    reset_settings_cache()
    dispose_engines()


def test_two_api_processes_and_four_workers_reply_once_and_in_order(isolated_env, monkeypatch):
    from ylada_app.testing.bench import (
        PNID,
        SECRET,
        TOKEN,
        prepare_database,
        start_processes,
        stop_processes,
        stored_order,
    )
    from ylada_app.testing.fake_graph import FakeGraph
    from ylada_app.testing.loadgen import MetaSimulator

    monkeypatch.setenv("BENCH_RATE_PER_S", "30")  # one number, shared by the 4 workers
    graph = FakeGraph()
    graph.record_requests = False
    graph.add_number(PNID, TOKEN)
    graph_url = graph.start()
    db_url, key = prepare_database(graph_url)
    api, procs = start_processes(db_url, graph_url, workers=4, api_workers=2)
    try:
        # Customers write like people (≥ 1 s apart): each message is stored before the
        # next arrives, whichever API process takes it (across processes order holds for
        # messages further apart than an acknowledgement; a loaded CI box has taken
        # > 0.3 s for one).
        sim = MetaSimulator(api, f"/webhooks/whatsapp/{key}", SECRET, PNID, graph,
                            contacts=80, rate=40, connections=16, min_gap_s=1.0)

        async def go():
            watch = asyncio.ensure_future(sim.watch_graph())
            statuses = asyncio.ensure_future(sim.post_statuses())
            await sim.send_for(8)
            await sim.settle(timeout=30)
            watch.cancel()
            statuses.cancel()
            sim.close()

        run_async(go())
        stored = stored_order(db_url)
    finally:
        stop_processes(procs)
        graph.stop()
    assert sim.totals.offered >= 250 and sim.totals.refused == 0
    assert sim.totals.server_errors == 0
    inversions = sim.stored_inversions(stored)
    assert sim.count() == {"lost": 0, "duplicated": 0, "out_of_order": 0}, inversions
    assert inversions == []
    assert sim.totals.statuses_posted >= 3 * sim.totals.offered * 0.9
    # 4 workers, 1 number at 30/s, 40/s offered: the number's rate holds for all of them
    # together (each with its own bucket would allow 4 × 30, and the replies would follow
    # the 40/s offered: this check fails at 63/s with the shared limiter off). The rate is
    # taken over the run after the first 3 s, when four freshly started workers bunch
    # sends their slots spaced. No per-second check here: the fake Graph's clock shares
    # this process with the generator and bunches arrivals (runs saw 50–53 in one second
    # while the senders kept 30/s); `make bench` with BENCH_RATE_PER_S=80 measures it.
    # The limiter spaces the booked slots; a send reaches Graph when its worker gets there,
    # so a worker held up by a busy box delivers a few booked slots late, inside the window:
    # up to one second of such lag is allowed (a CI run on a loaded box saw 223 sends in
    # 6.5 s = 34/s; without the shared limiter it is ~63/s).
    times = sorted(sim.sends_at)
    steady = [t for t in times if t >= times[0] + 3]
    assert len(steady) <= 30 * (steady[-1] - steady[0] + 1.0) * 1.05
