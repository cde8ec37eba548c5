"""Typed results of parsing a WhatsApp Cloud API webhook POST.

One POST can carry several entries, changes, messages and statuses; `ParsedWebhook`
flattens them into four lists. All ids stay strings. Use `dataclasses.asdict(event)` to
store an event as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Media:
    id: str | None = None  # media id, to download via GET /{media_id}
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None  # documents
    voice: bool = False  # audio recorded in WhatsApp (push-to-talk)
    animated: bool = False  # stickers
    url: str | None = None  # newer API versions include a short-lived download URL


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    address: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Reaction:
    message_id: str | None = None  # the wamid that was reacted to
    emoji: str | None = None  # None/"" when the user removed the reaction


@dataclass(frozen=True, slots=True)
class MessageContext:
    message_id: str | None = None  # wamid this message replies to (or the button's message)
    from_: str | None = None  # who sent the replied-to message (the business number)
    forwarded: bool = False
    frequently_forwarded: bool = False
    referred_product: dict | None = None  # {"catalog_id", "product_retailer_id"}


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a WhatsApp user sent to a business number."""

    phone_number_id: str  # business number id ("" when metadata was missing)
    display_phone_number: str | None
    wamid: str
    from_wa_id: str  # phone-based wa_id; the BSUID when Meta withholds the phone
    contact_name: str | None
    timestamp: int  # unix seconds, 0 if missing/invalid
    type: str  # Meta's type, kept as sent (also unknown future types)
    text: str | None = None  # what the user sees: body, button/row title, caption
    payload: str | None = None  # reply button/list row id, template button payload
    subtype: str | None = None  # interactive.type, system.type
    media: Media | None = None
    location: Location | None = None
    contacts: list[dict] = field(default_factory=list)  # shared contact cards
    reaction: Reaction | None = None
    referral: dict | None = None  # click-to-WhatsApp ad / post that started the chat
    context: MessageContext | None = None
    order: dict | None = None
    system: dict | None = None
    errors: list[dict] = field(default_factory=list)
    supported: bool = True  # False for type "unsupported" and unknown types
    from_user_id: str | None = None  # business-scoped user id (BSUID), when present
    contact_username: str | None = None
    group_id: str | None = None
    waba_id: str | None = None
    raw: dict = field(default_factory=dict)  # the message dict as received

    @property
    def new_identity(self) -> tuple[str, ...]:
        """A notice that the sender's identity changed (a new number, a new BSUID): the ids
        they have from now on (empty for every other message)."""
        system = self.system if self.type == "system" and self.system else {}
        if not (system.get("new_wa_id") or system.get("previous_user_id")
                or system.get("type") == "user_changed_user_id"):
            return ()
        return tuple(i for i in (system.get("new_wa_id"), system.get("user_id")) if i)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """Delivery status of a message the business sent (may arrive out of order)."""

    phone_number_id: str
    wamid: str
    status: str  # sent | delivered | read | failed | deleted | played | ...
    timestamp: int
    recipient_id: str | None = None
    errors: list[dict] = field(default_factory=list)
    conversation: dict | None = None
    pricing: dict | None = None
    biz_opaque_callback_data: str | None = None
    recipient_user_id: str | None = None
    display_phone_number: str | None = None
    waba_id: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WebhookError:
    """An app/account/system-level error reported in `value.errors`."""

    phone_number_id: str | None
    code: int | None
    title: str | None
    message: str | None
    details: str | None
    href: str | None = None
    waba_id: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UnsupportedEvent:
    """Something received and recorded, but not understood (with the reason why)."""

    reason: str  # e.g. "message_type:unsupported", "field:account_update", "malformed_entry"
    phone_number_id: str | None = None
    field: str | None = None
    wamid: str | None = None
    waba_id: str | None = None
    raw: Any = None


@dataclass(slots=True)
class TemplateStatusUpdate:
    """Meta reviewed a message template (`message_template_status_update`): APPROVED,
    REJECTED (with a reason), PAUSED, DISABLED…"""

    waba_id: str | None
    event: str
    template_id: str
    name: str
    language: str
    reason: str
    # template_category_update: Meta moved the template to this category (event "CATEGORY")
    category: str = ""
    # message_template_quality_update: its new quality rating (event "QUALITY")
    quality: str = ""


@dataclass(slots=True)
class NumberUpdate:
    """Meta's word about the business number or its account, pushed as it happens:
    `phone_number_quality_update` (quality FLAGGED / UNFLAGGED, messaging limit UPGRADE /
    DOWNGRADE, with the limit now), `account_update` (ACCOUNT_VIOLATION, DISABLED_UPDATE
    with the ban state, ACCOUNT_RESTRICTION, ACCOUNT_DELETED, VERIFIED_ACCOUNT…),
    `phone_number_name_update` (the display name APPROVED / REJECTED…, as `event`) and
    `business_capability_update` (the daily limit, event CAPABILITY_UPDATE)."""

    field: str
    event: str  # upper case, as Meta sends it
    waba_id: str | None = None
    phone_number: str | None = None  # digits of the number it names (None: account-wide)
    current_limit: str | None = None  # TIER_250 … TIER_UNLIMITED (quality updates)
    detail: str = ""  # violation type, ban state and date, restriction types, a name's refusal
    until: int = 0  # unix seconds: a ban's date or a restriction's end, 0 if none
    name: str = ""  # phone_number_name_update: the display name Meta decided on


@dataclass(slots=True)
class MarketingPreference:
    """A customer stopped (or resumed) marketing messages from the business in WhatsApp
    itself (`user_preferences`, category `marketing_messages`)."""

    phone_number_id: str
    wa_id: str
    value: str  # stop | resume
    timestamp: int
    detail: str = ""


@dataclass(slots=True)
class AppEcho:
    """A message the business itself sent from the WhatsApp Business app (or a linked
    device) on a number that also runs on the Cloud API (`smb_message_echoes`,
    "coexistence"); or its later edit (`edit_of`) or deletion (`revoke_of`)."""

    phone_number_id: str
    wamid: str
    to_wa_id: str  # the customer
    timestamp: int
    type: str
    text: str | None = None
    media: Media | None = None
    edit_of: str | None = None  # wamid of the message edited (its new text in `text`)
    revoke_of: str | None = None  # wamid of the message deleted
    raw: dict = field(default_factory=dict)


@dataclass(slots=True)
class AppContact:
    """A contact the business added, edited or removed in the address book of its WhatsApp
    Business app (`smb_app_state_sync`, coexistence)."""

    phone_number_id: str
    wa_id: str  # digits
    action: str  # add (added or edited) | remove
    name: str = ""  # full name as the business saved it (none on a removal)
    timestamp: int = 0


@dataclass(slots=True)
class HistoryMessage:
    """One message of the WhatsApp Business app's past chats (`history`, coexistence)."""

    wamid: str
    from_business: bool
    timestamp: int
    type: str
    text: str | None = None
    status: str = ""  # the business's messages: sent | delivered | read | …


@dataclass(slots=True)
class HistoryThread:
    """The past chat with one customer, as the app shared it (one chunk of it)."""

    phone_number_id: str
    wa_id: str
    messages: list[HistoryMessage] = field(default_factory=list)


@dataclass(slots=True)
class ParsedWebhook:
    object: str | None = None
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    errors: list[WebhookError] = field(default_factory=list)
    unsupported: list[UnsupportedEvent] = field(default_factory=list)
    template_updates: list[TemplateStatusUpdate] = field(default_factory=list)
    number_updates: list[NumberUpdate] = field(default_factory=list)
    preferences: list[MarketingPreference] = field(default_factory=list)
    echoes: list[AppEcho] = field(default_factory=list)
    app_contacts: list[AppContact] = field(default_factory=list)
    history: list[HistoryThread] = field(default_factory=list)
    history_declined: bool = False  # the business chose not to share its app's chats

    @property
    def is_empty(self) -> bool:
        return not (self.messages or self.statuses or self.errors or self.unsupported
                    or self.template_updates or self.number_updates or self.preferences
                    or self.echoes or self.app_contacts or self.history
                    or self.history_declined)

    @property
    def phone_number_ids(self) -> set[str]:
        """Every business number something in this webhook is about."""
        return {item.phone_number_id for name in _PER_NUMBER for item in getattr(self, name)
                } - {"", None}

    def take_number(self, phone_number_id: str) -> ParsedWebhook:
        """Move what is about `phone_number_id` out of this webhook into one of its own (a
        Meta app posts every number's changes to one address). Template reviews, notices
        about a number and the history choice stay here."""
        out = ParsedWebhook(object=self.object)
        for name in _PER_NUMBER:
            items = getattr(self, name)
            setattr(out, name, [i for i in items if i.phone_number_id == phone_number_id])
            setattr(self, name, [i for i in items if i.phone_number_id != phone_number_id])
        return out


# The parts of a webhook that name the business number they are about.
_PER_NUMBER = ("messages", "statuses", "errors", "unsupported", "preferences", "echoes",
               "app_contacts", "history")


# Status progression for outbox rows. Webhooks can arrive out of order (read before
# delivered) or repeat; only ever move forward. "failed" ranks just above "sent": a late
# "failed" never undoes delivered/read, and a read after failed (multi-device) wins.
_STATUS_RANK = {
    "accepted": 0,
    "queued": 0,
    "sent": 10,
    "failed": 15,
    "delivered": 20,
    "read": 30,
    "played": 40,
    "deleted": 50,
}


def status_rank(status: str | None) -> int:
    return _STATUS_RANK.get(status or "", -1)


def should_apply_status(current: str | None, new: str) -> bool:
    """True if an outbox row at `current` should move to `new` (idempotent, monotonic)."""
    if new not in _STATUS_RANK:
        return current is None  # unknown future status: record it only if we know nothing
    return status_rank(new) > status_rank(current)
