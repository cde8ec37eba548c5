"""One POST full of items we cannot use (any business signs its own: 100,000 made-up changes
wrote 100,000 `webhook_log` rows in about a minute, holding SQLite's write lock for everyone)
writes a bounded log: LOG_ROWS_PER_TRANSACTION rows and one counting the rest by kind.
Found by review, fixed."""

from __future__ import annotations

import json

from sqlmodel import func, select

from tests.pipeline.conftest import SECRET
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import WebhookLog

CHANGES = 5_000
MAX_ROWS = 50  # a summary per POST (reason → count, a few samples), not one row per item


def test_a_post_of_thousands_of_unknown_changes_writes_a_bounded_log(path, client, bot, db):
    changes = [{"field": f"made_up_{i % 7}", "value": {}} for i in range(1000)]
    body = {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": changes} for _ in range(CHANGES // 1000)]}
    raw = json.dumps(body).encode()
    answer = client.post(bot.url, content=raw,
                         headers={"X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
    assert answer.status_code == 200, answer.text
    rows = db.exec(select(func.count()).select_from(WebhookLog)
                   .where(WebhookLog.instance_id == bot.instance_id)).one()
    assert rows <= MAX_ROWS, f"{rows} log rows from one {len(raw)}-byte POST"
    capped = db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id,
                                              WebhookLog.kind == "log_capped")).one()
    assert sum(capped.detail.values()) == rows_total(db, bot) and rows_total(db, bot) > 4_900


def rows_total(db, bot) -> int:
    """The items the POST held beyond the rows written (what the capped row counts)."""
    return CHANGES - (db.exec(select(func.count()).select_from(WebhookLog).where(
        WebhookLog.instance_id == bot.instance_id, WebhookLog.kind != "log_capped")).one())
