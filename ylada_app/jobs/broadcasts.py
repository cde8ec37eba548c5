"""Queues a broadcast's recipients (services/broadcasts holds the rules).

The sweeper queues a run for every broadcast that is sending or whose time came; one run at
a time per broadcast (a named lock), each queuing for at most RUN_S and only as far as the
number can send, so a run is short and a dead one is simply followed by the next sweep's.
"""

from __future__ import annotations

import logging

from ylada_app.core import live, locks
from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced, enqueue_coalesced
from ylada_app.models import Broadcast
from ylada_app.services import broadcasts

log = logging.getLogger(__name__)
RUN_JOB = "ylada_app.jobs.broadcasts.run"


def run(broadcast_id: int) -> dict[str, int]:
    clear_coalesced(f"broadcast:{broadcast_id}")
    with locks.exclusive(f"broadcast:{broadcast_id}") as mine:
        if not mine:
            return {"queued": 0, "skipped": 0}
        counts = broadcasts.advance(broadcast_id)
    with session_scope() as session:
        b = session.get(Broadcast, broadcast_id)
        tenant_id = b.tenant_id if b is not None else None
    if tenant_id is not None:
        live.bump([tenant_id])
    if counts["queued"] or counts["skipped"]:
        log.info("broadcast %s: queued %s, skipped %s", broadcast_id, counts["queued"],
                 counts["skipped"])
    return counts


def kick() -> int:
    """Give every broadcast that should be queuing a run (called by the sweeper)."""
    with session_scope() as session:
        due = broadcasts.due(session)
    for broadcast_id in due:
        enqueue_coalesced(f"broadcast:{broadcast_id}", RUN_JOB, broadcast_id)
    return len(due)
