"""Jobs about instances: a WhatsApp number's health as Meta sees it (token, number, quality,
messaging tier, webhook subscription), re-checked every few hours and on demand."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from ylada_app.channels.whatsapp_cloud import embedded_signup
from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced, enqueue_coalesced
from ylada_app.models import Instance, utcnow
from ylada_app.models.instance import ChannelKind
from ylada_app.services import instances

RECHECK_JOB = "ylada_app.jobs.instances.recheck_instance"
HEALTH_EVERY = timedelta(hours=6)


def recheck_instance(instance_id: int) -> str:
    """Returns the instance's new status (or 'skipped')."""
    clear_coalesced(f"health:{instance_id}")
    with session_scope() as session:
        inst = session.get(Instance, instance_id)
        if inst is None or inst.channel != ChannelKind.WHATSAPP_CLOUD or not inst.phone_number_id:
            return "skipped"
        token = instances.instance_access_token(inst)
        pnid, waba = inst.phone_number_id, inst.waba_id
    # The HTTP calls happen outside the transaction: no row lock held while Meta answers.
    health = embedded_signup.health(pnid, waba, token or "")
    with session_scope() as session:
        inst = instances.record_health(session, instance_id=instance_id, health=health)
        return inst.status if inst else "skipped"


def kick_health_checks(limit: int = 100) -> int:
    """The sweeper's part: queue a check of the numbers not looked at for HEALTH_EVERY."""
    cutoff = utcnow() - HEALTH_EVERY
    with session_scope() as session:
        due = session.exec(select(Instance.id).where(
            Instance.channel == ChannelKind.WHATSAPP_CLOUD,
            Instance.status.in_(("connected", "error")),  # type: ignore[attr-defined]
            (Instance.last_checked_at == None) | (Instance.last_checked_at < cutoff))  # noqa: E711
            .limit(limit)).all()
    for instance_id in due:
        enqueue_coalesced(f"health:{instance_id}", RECHECK_JOB, instance_id)
    return len(due)
