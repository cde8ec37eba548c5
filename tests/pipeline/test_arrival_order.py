"""Order under overload: a contact's messages are stored (and so answered) in the order
they reached the server, even when the first one waits longer for a database connection."""

from __future__ import annotations

import asyncio
import threading
import time

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.api import webhooks_whatsapp
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Contact, Conversation, Message


def _texts(db, bot, wa_id):
    db.expire_all()
    return [m.text for m in db.exec(
        select(Message).join(Conversation).join(Contact, Contact.id == Conversation.contact_id)
        .where(Contact.instance_id == bot.instance_id, Contact.wa_id == wa_id,
               Message.direction == "in").order_by(Message.id)).all()]


def test_a_slow_first_message_is_still_stored_first(client, bot, db, monkeypatch):
    original = webhooks_whatsapp._fast_path
    first_inside = threading.Event()
    calls = []

    async def slow_first(target, parsed):
        calls.append(parsed.messages[0].text)
        if len(calls) == 1:  # the first POST waits for a connection the longest
            first_inside.set()
            await asyncio.sleep(1.5)
        return await original(target, parsed)

    monkeypatch.setattr(webhooks_whatsapp, "_fast_path", slow_first)
    wa, other = "5511955550001", "5511955550002"

    def post(wa_id, text, out):
        raw, headers = samples.signed(samples.inbound_webhook(
            bot.phone_number_id, [samples.text_message(wa_id, text)]), SECRET)
        out.append((text, client.post(bot.url, content=raw, headers=headers).status_code,
                    time.monotonic()))

    done: list = []
    first = threading.Thread(target=post, args=(wa, "primeira", done))
    first.start()
    assert first_inside.wait(5)
    started = time.monotonic()
    # another contact is not held up by this one's queue (which is held for 1.5 s)
    post(other, "outro cliente", done)
    assert time.monotonic() - started < 1.2
    second = threading.Thread(target=post, args=(wa, "segunda", done))
    second.start()
    first.join(5), second.join(5)
    assert all(status == 200 for _, status, _ in done)
    wait_for(lambda: len(_texts(db, bot, wa)) == 2)
    assert _texts(db, bot, wa) == ["primeira", "segunda"]
    # the second POST was acknowledged only after the first one's store
    acked = {text: at for text, _, at in done}
    assert acked["segunda"] >= acked["primeira"] - 0.05
