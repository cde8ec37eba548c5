"""May a message go to this contact now? One answer for every sender.

The team's inbox, and later the API and broadcasts, ask here before writing to the outbox;
the delivery job applies the same window when it sends. WhatsApp allows free-form messages
only within 24 hours of the contact's last message (the customer-service window); outside
it only an approved message template may start the conversation again. A contact who opted
out gets nothing. Simulator conversations (the business testing its own bot) have no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ylada_app.models import Contact, Conversation, Instance, utcnow
from ylada_app.models.instance import ChannelKind, InstanceStatus
from ylada_app.services.simulator import SIMULATED_PREFIX

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class SendCheck:
    allowed: bool
    reason: str = ""  # a message key saying why not
    closes_at: datetime | None = None  # when the 24-hour window closes (None: no window)
    template_only: bool = False  # a template would be allowed (window closed)


def window_open(conv: Conversation, now: datetime | None = None) -> bool:
    last = conv.last_inbound_at
    return bool(last and (now or utcnow()) - last < WINDOW)


def free_form_check(conv: Conversation, contact: Contact, instance: Instance,
                    now: datetime | None = None) -> SendCheck:
    now = now or utcnow()
    if instance.status == InstanceStatus.DISABLED:
        return SendCheck(False, "error.instance_disabled")
    if contact.opted_out:
        return SendCheck(False, "outbound.opted_out")
    if instance.channel != ChannelKind.WHATSAPP_CLOUD or contact.wa_id.startswith(
            SIMULATED_PREFIX):
        return SendCheck(True)
    if not window_open(conv, now):
        return SendCheck(False, "outbound.window_closed", template_only=True)
    return SendCheck(True, closes_at=conv.last_inbound_at + WINDOW)


def send_check(conv: Conversation, contact: Contact, instance: Instance, *,
               template: bool = False, category: str | None = None,
               now: datetime | None = None) -> SendCheck:
    """Free-form messages need the 24-hour window; an approved template does not (that is
    what templates are for) — but nothing goes to a contact who opted out, or from a
    disabled number. Whether the template is approved is the caller's check
    (services/message_templates)."""
    if not template:
        return free_form_check(conv, contact, instance, now)
    if instance.status == InstanceStatus.DISABLED:
        return SendCheck(False, "error.instance_disabled")
    if contact.opted_out:
        return SendCheck(False, "outbound.opted_out")
    if category == "MARKETING" and contact.opted_in_at is None:
        # from every sender (broadcasts choose such contacts; the API and the inbox too)
        return SendCheck(False, "outbound.no_marketing_consent")
    return SendCheck(True)
