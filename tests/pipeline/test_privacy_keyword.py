"""The "MEUS DADOS" keyword on the real pipeline (simulator → drain → database): off by
default (the bot answers as usual); once the business turns it on for the number, the word
records an LGPD export request from WhatsApp, the contact gets the pt-BR acknowledgement
instead of the bot's answer, and the team is told — once per open request. Only the
number's own business can switch it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_owner
from tests.pipeline.test_consent import _contact, _number, _replies, _say
from ylada_app.models import AuditLog, Notification
from ylada_app.models.privacy import DataRequest
from ylada_app.services import privacy
from ylada_app.services.errors import NotFound


def test_meus_dados_opens_an_export_request_only_where_enabled(db, monkeypatch):
    started = []
    monkeypatch.setattr(privacy, "start", lambda rid, kind: started.append((rid, kind)))
    owner, inst = _number(db)
    conv = _say(db, owner, inst, "meus dados")
    assert _replies(conv) == ["Não entendi."]  # off by default: the bot's own answer
    assert db.exec(select(DataRequest).where(DataRequest.tenant_id == owner.tenant_id)
                   ).all() == []

    intruder = make_owner(db, tenant_name="Intrusa")
    with pytest.raises(NotFound):
        privacy.set_keyword(db, tenant_id=intruder.tenant_id, instance_id=inst.id,
                            enabled=True)
    db.rollback()
    privacy.set_keyword(db, tenant_id=owner.tenant_id, instance_id=inst.id, enabled=True,
                        user_id=owner.user_id)
    db.commit()
    _say(db, owner, inst, "  Meus   Dados ")
    _say(db, owner, inst, "MEUS DADOS")  # again while the first is open: no second request
    assert _replies(conv)[1:] == [privacy.KEYWORD_ACK, privacy.KEYWORD_ACK]
    rows = db.exec(select(DataRequest).where(DataRequest.tenant_id == owner.tenant_id)).all()
    contact = _contact(1, inst)
    assert [(r.kind, r.source, r.contact_id, r.status) for r in rows] == [
        ("export", "whatsapp", contact.id, "pending")]
    assert started == [(rows[0].id, "export")]
    notes = db.exec(select(Notification).where(Notification.tenant_id == owner.tenant_id,
                                               Notification.kind == "privacy")).all()
    assert len(notes) == 1 and "LGPD" in notes[0].title
    assert notes[0].conversation_id == conv
    assert db.exec(select(AuditLog).where(AuditLog.tenant_id == owner.tenant_id,
                                          AuditLog.action == "privacy.keyword")).first()
    # other words still go to the bot
    _say(db, owner, inst, "quero meus dados de entrega")
    assert _replies(conv)[-1] == "Não entendi."
