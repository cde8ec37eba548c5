"""Analytics jobs: keep the rollups current, snapshot the platform figures, build exports."""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

from ylada_app.core.db import session_scope
from ylada_app.core.queue import LOW_QUEUE, clear_coalesced, enqueue_coalesced
from ylada_app.models import AnalyticsExport
from ylada_app.services import analytics, analytics_admin, analytics_rollup
from ylada_app.services import analytics_export as ex

log = logging.getLogger(__name__)

_ROLLUP_EVERY_S = 10.0
_SNAPSHOT_EVERY_S = 600.0
_last = {"rollup": 0.0, "snapshot": 0.0}


ROLLUP_KEY = "analytics:rollup"
SNAPSHOT_KEY = "analytics:snapshot"


def refresh_rollups() -> dict:
    """Fold in new rows for at most ~5 s (one batch per source per transaction), so a worker
    is never held long away from the message pipeline; the next tick goes on from the
    watermark. Any worker may run it; concurrent runs skip."""
    clear_coalesced(ROLLUP_KEY)
    return analytics_rollup.refresh(budget_s=5.0, max_batches=1)


def snapshot_platform() -> None:
    clear_coalesced(SNAPSHOT_KEY)
    with session_scope() as session:
        analytics_admin.snapshot_platform(session)


def periodic() -> None:
    """Called by the sweeper every couple of seconds: QUEUES the rollup (every 10 s) and the
    platform snapshot (every 10 min) as jobs, so analytics never delays the message sweeper."""
    now = time.monotonic()
    if now - _last["rollup"] >= _ROLLUP_EVERY_S:
        _last["rollup"] = now
        enqueue_coalesced(ROLLUP_KEY, "ylada_app.jobs.analytics.refresh_rollups",
                          queue=LOW_QUEUE)
    if now - _last["snapshot"] >= _SNAPSHOT_EVERY_S:
        _last["snapshot"] = now
        enqueue_coalesced(SNAPSHOT_KEY, "ylada_app.jobs.analytics.snapshot_platform",
                          queue=LOW_QUEUE)


def build_export(export_id: int) -> str:
    try:
        return _build(int(export_id))
    except Exception as exc:
        log.exception("export %s failed", export_id)
        with session_scope() as session:
            ex.mark(session, int(export_id), status="failed", error=str(exc)[:300])
        return "failed"


def _build(export_id: int) -> str:
    with session_scope() as session:
        row = session.get(AnalyticsExport, export_id)
        if row is None or row.status not in ("queued", "running"):
            return "skipped"
        session.expunge(row)
    path = ex._path(row)
    writer = ex.Writer(row.fmt, path, title=row.params.get("title") or "ylada")
    lang = row.params.get("lang", "pt-BR")
    try:
        if row.kind == "daily":
            with session_scope() as session:
                header, rows = ex.daily_table(session, row)
                ex.mark(session, export_id, status="running", total_rows=len(rows))
            writer.write(header)
            for r in rows:
                writer.write(r)
            done = len(rows)
        else:
            with session_scope() as session:
                total = ex.count_leads(session, row)
                fields = ex.lead_field_names(session, row)
                names = ex.instance_names(session, row.tenant_id)
                zone = ZoneInfo(analytics.tenant_zone(session, row.tenant_id))
                ex.mark(session, export_id, status="running", total_rows=total)
            writer.write(ex.lead_header(lang, fields))
            done = 0
            with session_scope() as session:
                for chunk in ex.iter_leads(session, row):
                    for c in chunk:
                        writer.write(ex.lead_row(c, names, zone, fields, lang))
                    done += len(chunk)
                    with session_scope() as progress:
                        ex.mark(progress, export_id, done_rows=done)
    finally:
        writer.close()
    with session_scope() as session:
        ex.mark(session, export_id, status="done", done_rows=done, total_rows=done)
    return "done"
