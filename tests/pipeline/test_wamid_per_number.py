"""Found by review and fixed: Meta's message id was unique platform-wide, so a message id one
business's webhook stored first made another business's message with the same id be
dropped as a duplicate (never answered). A wamid is unique per number now (migration 0046);
Meta's retries on one number are still stored once."""

from __future__ import annotations

from sqlmodel import select

from tests.pipeline.conftest import make_bot, wait_for
from tests.pipeline.test_fast_lane import lane  # noqa: F401 (fixture)
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Message


def _stored(db, wamid):
    db.expire_all()
    return db.exec(select(Message).where(Message.wamid == wamid, Message.direction == "in")
                   .order_by(Message.id)).all()


def test_the_same_message_id_on_two_businesses_is_two_messages(client, bot, graph_url, db,
                                                                unique):
    other = make_bot(db, graph_url, str(2 * 10**9 + int(unique[:6], 16)))
    wamid = f"wamid.shared.{unique}"
    post(client, bot, [samples.text_message("5511987651001", "oi", wamid=wamid)])
    post(client, other, [samples.text_message("5511987651002", "oi", wamid=wamid)])
    post(client, other, [samples.text_message("5511987651002", "oi", wamid=wamid)])  # retry
    rows = _stored(db, wamid)
    assert sorted(m.instance_id for m in rows) == sorted([bot.instance_id, other.instance_id])
    assert wait_for(lambda: replies_to(graph_url, "5511987651002"))  # the second is answered


def test_fast_lane_keeps_the_same_id_on_two_numbers_apart(lane, client, bot, graph_url, db,  # noqa: F811
                                                          unique):
    other = make_bot(db, graph_url, str(3 * 10**9 + int(unique[:6], 16)))
    wamid = f"wamid.lane.{unique}"
    for target, wa in ((bot, "5511987651003"), (other, "5511987651004"), (other, "5511987651004")):
        assert post(client, target, [samples.text_message(wa, "oi", wamid=wamid)]
                    ).status_code == 200
    rows = _stored(db, wamid)
    assert sorted(m.instance_id for m in rows) == sorted([bot.instance_id, other.instance_id])
    # a status for that id moves only the number's own message
    out = [Message(tenant_id=b.tenant_id, instance_id=b.instance_id,
                   conversation_id=r.conversation_id, direction="out", type="text",
                   payload={}, wamid=f"{wamid}.out", status="sent")
           for b, r in zip(sorted((bot, other), key=lambda b: b.instance_id), rows, strict=True)]
    db.add_all(out)
    db.commit()
    assert post(client, other, statuses=[samples.status(f"{wamid}.out", "read",
                                                         "5511987651004")]).status_code == 200
    db.expire_all()
    by_number = {m.instance_id: m.status for m in out}
    assert by_number == {bot.instance_id: "sent", other.instance_id: "read"}
