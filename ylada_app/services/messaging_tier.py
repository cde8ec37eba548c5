"""A WhatsApp number's messaging tier: how many different people it may reach with
business-initiated messages (templates) in any rolling 24 hours, and how much of that a
broadcast may still use now.

Meta sets the limit (250, 2,000, 10,000, 100,000 or unlimited people; 1,000 and 50 on older
accounts) and refuses what goes past it; the number's health check keeps the last one seen
in `Instance.health["messaging_tier"]`. Broadcasts pace themselves to it instead of having
thousands of sends refused (and the number's quality rating hurt).

What is counted: the distinct contacts that this number's broadcasts queued a template to in
the last 24 hours, except messages that failed (never delivered: Meta does not count them).
It is read through indexes that stay small — the number's broadcasts (`broadcast.instance_id`)
that were open in the window, then their recipients (`broadcast_recipient.broadcast_id`) —
with no new index. Deliberately left out, and why:
- One-off templates (a flow's reminder, the inbox, the API) are not counted: counting them
  means scanning the number's whole message history by time, which no index serves; they
  are a trickle next to a broadcast, and Meta refuses the rare one past the limit itself.
- Meta does not count someone whose 24-hour customer-service window is open; we do (a few
  people fewer per day, never one too many).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ylada_app.models import Broadcast, BroadcastRecipient, Instance, Message, utcnow
from ylada_app.models.instance import ChannelKind

WINDOW = timedelta(hours=24)
TIERS: dict[str, int | None] = {
    "TIER_50": 50, "TIER_250": 250, "TIER_1K": 1_000, "TIER_2K": 2_000,
    "TIER_10K": 10_000, "TIER_100K": 100_000, "TIER_UNLIMITED": None,
}
# A number whose tier we do not know yet (never checked, or Meta answered something new)
# gets 250: every business portfolio starts there, so it is the lowest limit a number that can
# send at all is likely to have — sending less than allowed costs a few hours, sending more
# gets messages refused and the number's quality rating lowered.
DEFAULT_TIER = "TIER_250"


@dataclass(frozen=True)
class Capacity:
    limit: int  # people per rolling 24 hours
    used: int  # distinct people reached in the last 24 hours
    oldest_at: datetime | None  # the earliest of those sends (it frees a place 24 h later)

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def frees_at(self) -> datetime | None:
        """When some capacity comes back (None: there is some now, or nothing to wait for)."""
        if self.left > 0 or self.oldest_at is None:
            return None
        return self.oldest_at + WINDOW


def tier_limit(instance: Instance) -> int | None:
    """People per 24 hours this number may reach with templates (None: no limit — the
    simulator, or Meta's unlimited tier)."""
    if instance.channel != ChannelKind.WHATSAPP_CLOUD:
        return None
    tier = str((instance.health or {}).get("messaging_tier") or "").strip().upper()
    return TIERS[tier] if tier in TIERS else TIERS[DEFAULT_TIER]


def used(session: Session, instance_id: int,
         now: datetime | None = None) -> tuple[int, datetime | None]:
    """(distinct contacts reached by the number's broadcasts in the last 24 h, the earliest
    of those sends)."""
    since = (now or utcnow()) - WINDOW
    count, oldest = session.exec(
        select(func.count(func.distinct(BroadcastRecipient.contact_id)),
               func.min(BroadcastRecipient.created_at))
        .select_from(BroadcastRecipient)
        .join(Broadcast, Broadcast.id == BroadcastRecipient.broadcast_id)
        .join(Message, Message.id == BroadcastRecipient.message_id)
        .where(Broadcast.instance_id == instance_id,
               or_(col(Broadcast.finished_at).is_(None), Broadcast.finished_at >= since),
               BroadcastRecipient.created_at >= since, Message.status != "failed")).one()
    return int(count or 0), oldest


def capacity(session: Session, instance: Instance,
             now: datetime | None = None) -> Capacity | None:
    """What the number may still reach now (None: it has no limit)."""
    limit = tier_limit(instance)
    if limit is None:
        return None
    count, oldest = used(session, instance.id, now)
    return Capacity(limit, count, oldest)
