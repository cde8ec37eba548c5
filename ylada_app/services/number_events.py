"""What Meta says about a business number outside its conversations, applied as it arrives.

- `phone_number_quality_update`: the quality fell (FLAGGED: low, the daily limit may drop in
  7 days) or recovered (UNFLAGGED); the messaging limit went up or down (UPGRADE / DOWNGRADE,
  with the limit now). The number's health takes it at once — broadcasts pace themselves to
  the new limit — and is re-read from Graph at the sweeper's next round for the rest.
- `account_update`: a policy violation, a ban scheduled / applied / lifted, a restriction
  (with its end), the account deleted. Kept on the number's health page as Meta's latest
  notice; a ban in force marks the number as failing, lifting it as connected.
- `phone_number_name_update`: the display name approved (it becomes the number's name) or
  rejected (with why); `business_capability_update`: the daily limit, silently.
- `user_preferences`: a customer stopped (or resumed) marketing messages from the business
  in WhatsApp itself. Stopping revokes the contact's marketing consent (with proof); resuming
  gives it back only if that stop is what revoked it — it never grants a consent the
  customer had not given the business.

The team is told (bell + e-mail, `notifications` kind "number") about what needs them.

Invariant: everything applies to the instance whose webhook URL received it; nothing is
looked up across businesses by phone number. An update naming another number than the
instance's is logged, not applied.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.channels.whatsapp_cloud.events import MarketingPreference, NumberUpdate
from ylada_app.core.i18n import DEFAULT_LANG, LANGS, translate
from ylada_app.models import Contact, Instance, utcnow
from ylada_app.models.instance import InstanceStatus
from ylada_app.models.privacy import ConsentPurpose, ConsentRecord
from ylada_app.services import consent, inbox, message_templates, notifications
from ylada_app.services.messaging_tier import TIERS
from ylada_app.services.phones import br_variants

# What the health page keeps of Meta's latest account notice (a health check never sets it).
NOTICE_KEY = "meta_notice"
# Account events the team must hear about, and the ones that are kept on the page.
_ACCOUNT_EVENTS = ("ACCOUNT_VIOLATION", "DISABLED_UPDATE", "ACCOUNT_RESTRICTION",
                   "ACCOUNT_DELETED")
_QUALITY_TOLD = ("FLAGGED", "UNFLAGGED", "UPGRADE", "DOWNGRADE")
_NAME_STATUS = {"APPROVED": "APPROVED", "REJECTED": "DECLINED"}  # → health["name_status"]
BAN_DETAIL = "error.meta_disabled"  # Instance.status_detail while Meta's ban is in force
STOP_SOURCE = "whatsapp_stop"  # the consent proof's source when the customer stopped


def apply_number_updates(session: Session, *, tenant_id: int, instance_id: int,
                         updates: list[NumberUpdate]) -> int:
    """Apply what Meta said about this instance's number; returns how many applied."""
    inst = session.get(Instance, instance_id)
    if inst is None or inst.tenant_id != tenant_id or not updates:
        return 0
    applied = 0
    events: list[notifications.TeamEvent] = []
    told: set[tuple] = set()
    for update in updates:
        if not _same_number(inst, update.phone_number):
            inbox.log_event(session, instance=inst, kind="other_number_notice",
                            detail=inbox.clean_json({"field": update.field,
                                                     "event": update.event,
                                                     "number": update.phone_number}))
            continue
        inbox.log_event(session, instance=inst, kind="meta_notice",
                        detail=inbox.clean_json({"field": update.field, "event": update.event,
                                                 "limit": update.current_limit,
                                                 "detail": update.detail,
                                                 "until": update.until}))
        body = _APPLY[update.field](inst, update)
        applied += 1
        mark = body and (body[0], tuple(sorted(body[1].items())))
        if body is None or mark in told:  # (a repeated notice is told once)
            continue
        told.add(mark)
        events.append(notifications.TeamEvent(
            inst.tenant_id, "number", None, "", inst.name, bodies=_bodies(*body),
            link=f"/instances/{inst.id}/health"))
    session.add(inst)
    session.flush()
    notifications.notify_many(session, events)
    return applied


def template_quality(session: Session, *, tenant_id: int, waba_id: str | None,
                     update: dict) -> int:
    """Meta rated one of the business's templates (`message_template_quality_update`); a
    fall to low quality is told to the team — Meta pauses a template that stays there."""
    fell = message_templates.apply_quality_update(session, tenant_id=tenant_id,
                                                  waba_id=waba_id, update=update)
    events = []
    for row in fell:
        inst = session.get(Instance, row.instance_id)
        events.append(notifications.TeamEvent(
            tenant_id, "number", None, "", inst.name if inst else "",
            bodies=_bodies("number.notice.TEMPLATE_RED", {"name": row.name}),
            link=f"/instances/{row.instance_id}/templates"))
    notifications.notify_many(session, events)
    return len(fell)


def _same_number(inst: Instance, digits: str | None) -> bool:
    if not digits:
        return True  # account-wide
    mine = "".join(ch for ch in inst.display_number or "" if ch.isdigit())
    return not mine or digits == mine or digits in br_variants(mine)


def _quality(inst: Instance, update: NumberUpdate) -> tuple[str, dict[str, Any]] | None:
    health = dict(inst.health or {})
    limit = update.current_limit if update.current_limit in TIERS else None
    if limit:
        health["messaging_tier"] = limit
    if update.event == "FLAGGED":
        health["quality_rating"] = "RED"
    elif update.event == "UNFLAGGED" and health.get("quality_rating") == "RED":
        health["quality_rating"] = ""  # better now; the re-check says how much
    inst.health = health
    inst.last_checked_at = None  # the sweeper's next round re-reads the rest from Graph
    if update.event not in _QUALITY_TOLD:
        return None
    if update.event in ("UPGRADE", "DOWNGRADE") and not limit:
        return None
    return f"number.notice.{update.event}", {"limit": limit or "", "until": 0, "detail": ""}


def _name(inst: Instance, update: NumberUpdate) -> tuple[str, dict[str, Any]] | None:
    """Meta decided on the display name the business asked for."""
    health = dict(inst.health or {})
    health["name_status"] = _NAME_STATUS.get(update.event, "PENDING_REVIEW")
    inst.health = health
    if update.event == "APPROVED" and update.name:
        inst.verified_name = update.name[:120]
    if update.event not in _NAME_STATUS:
        return None
    return f"number.notice.NAME_{update.event}", {"limit": "", "until": 0,
                                                  "detail": update.detail, "name": update.name}


def _capability(inst: Instance, update: NumberUpdate) -> None:
    """The account's daily limit (told by the quality update that comes with a change)."""
    if update.current_limit in TIERS:
        inst.health = {**(inst.health or {}), "messaging_tier": update.current_limit}


def _account(inst: Instance, update: NumberUpdate) -> tuple[str, dict[str, Any]] | None:
    # Whatever changed (our app's access removed, the account verified…), the sweeper's
    # next round re-reads the number from Graph.
    inst.last_checked_at = None
    if update.event not in _ACCOUNT_EVENTS:
        return None
    states = set(update.detail.split(", ")) if update.detail else set()
    key = update.event
    if update.event == "DISABLED_UPDATE":
        key = next((f"DISABLED_UPDATE.{s}" for s in ("DISABLE", "REINSTATE",
                                                     "SCHEDULE_FOR_DISABLE") if s in states),
                   "DISABLED_UPDATE.SCHEDULE_FOR_DISABLE")
    health = dict(inst.health or {})
    health[NOTICE_KEY] = {"key": f"number.notice.{key}", "detail": update.detail,
                          "until": update.until, "at": utcnow().isoformat(timespec="seconds")}
    inst.health = health
    if key in ("DISABLED_UPDATE.DISABLE", "ACCOUNT_DELETED") \
            and inst.status != InstanceStatus.DISABLED:
        inst.status, inst.status_detail = InstanceStatus.ERROR, BAN_DETAIL
    elif key == "DISABLED_UPDATE.REINSTATE" and inst.status_detail == BAN_DETAIL:
        inst.status, inst.status_detail = InstanceStatus.CONNECTED, None
    return f"number.notice.{key}", {"limit": "", "until": update.until,
                                    "detail": update.detail}


def _bodies(key: str, facts: dict[str, Any]) -> tuple[str, str]:
    """The notice in pt-BR and in English (each member reads their own)."""
    pt, en = (notice_text(key, facts, lang) for lang in LANGS)
    return pt, en


def notice_text(key: str, facts: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """A notice in words: `key` number.notice.…, `facts` its limit, date and reason codes
    (as kept on the number's health, so the page says what the bell said)."""
    pt = lang == DEFAULT_LANG
    limit = str(facts.get("limit") or "")
    people = TIERS.get(limit)
    count = "∞" if limit in TIERS and people is None else f"{people or 0:,}"
    until = int(facts.get("until") or 0)
    day = ""
    if until > 0:
        with contextlib.suppress(ValueError, OverflowError, OSError):
            day = datetime.fromtimestamp(until, UTC).strftime("%d/%m/%Y" if pt else "%Y-%m-%d")
    return translate(key, lang, limit=count.replace(",", ".") if pt else count,
                     name=str(facts.get("name") or ""),
                     until=(f" até {day}" if pt else f" until {day}") if day else "",
                     on=(f" para {day}" if pt else f" for {day}") if day else "",
                     reason=reason_words(str(facts.get("detail") or ""), lang))


_REASONS = {  # Meta's codes: (pt-BR, English)
    "RESTRICTED_BIZ_INITIATED_MESSAGING": ("não pode iniciar conversas (mensagens modelo)",
                                           "may not start conversations (templates)"),
    "RESTRICTED_CUSTOMER_INITIATED_MESSAGING": ("não pode responder aos clientes",
                                                "may not answer customers"),
    "RESTRICTED_ADD_PHONE_NUMBER_ACTION": ("não pode adicionar números",
                                           "may not add phone numbers"),
    "SCHEDULE_FOR_DISABLE": ("desativação agendada", "disabling scheduled"),
    "DISABLE": ("conta desativada", "account disabled"),
    "REINSTATE": ("conta reativada", "account reinstated"),
    "ADULT": ("conteúdo adulto", "adult content"),
    "ALCOHOL": ("venda de bebida alcoólica", "alcohol sales"),
    "DRUGS": ("drogas", "drugs"), "GAMBLING": ("jogos de azar", "gambling"),
    "SCAM": ("golpe", "scam"), "SPAM": ("spam", "spam"), "TOBACCO": ("tabaco", "tobacco"),
    "WEAPONS": ("armas", "weapons"), "DATING": ("relacionamentos", "dating"),
    "MEDICAL_AND_HEALTHCARE": ("produtos de saúde", "medical and healthcare products"),
    "THREATENING": ("ameaças", "threats"),
    "BUSINESS_IMPERSONATION": ("se passar por outra empresa", "impersonating a business"),
    "NAME_FORMAT_UNACCEPTABLE": ("formato de nome não aceito", "name format not accepted"),
}


def reason_words(detail: str, lang: str = DEFAULT_LANG) -> str:
    """Meta's codes in words (a code we do not know: in lower case without underscores,
    rather than nothing)."""
    pt = lang == DEFAULT_LANG
    words = [_REASONS[code][0 if pt else 1] if code in _REASONS
             else code.replace("_", " ").lower()
             for code in (detail.split(", ") if detail else [])]
    return "; ".join(words) or ("motivo não informado" if pt else "no reason given")


def apply_preferences(session: Session, *, tenant_id: int, instance_id: int,
                      prefs: list[MarketingPreference]) -> int:
    """Customers who stopped or resumed this business's marketing messages in WhatsApp;
    returns how many contacts changed. Unknown customers are left alone (a first message
    creates them, without consent)."""
    changed = 0
    for pref in sorted(prefs, key=lambda p: p.timestamp):
        contact = session.exec(
            select(Contact).where(Contact.tenant_id == tenant_id,
                                  Contact.instance_id == instance_id,
                                  col(Contact.wa_id).in_(br_variants(pref.wa_id)))
            .order_by(Contact.wa_id != pref.wa_id)).first()
        if contact is None:
            continue
        evidence = {"wa_id": pref.wa_id, "detail": pref.detail, "timestamp": pref.timestamp}
        if pref.value == "stop" and contact.opted_in_at is not None:
            contact.opted_in_at = None
            consent.add_rows(session, [consent.proof_row(
                contact, purpose=ConsentPurpose.MARKETING, granted=False, source=STOP_SOURCE,
                evidence=evidence)])
        elif pref.value == "resume" and contact.opted_in_at is None \
                and _stopped_in_whatsapp(session, contact):
            contact.opted_in_at = _when(pref.timestamp)
            consent.add_rows(session, [consent.proof_row(
                contact, purpose=ConsentPurpose.MARKETING, granted=True,
                source="whatsapp_resume", evidence=evidence)])
        else:
            continue
        contact.updated_at = utcnow()
        session.add(contact)
        changed += 1
    session.flush()
    return changed


def _stopped_in_whatsapp(session: Session, contact: Contact) -> bool:
    """The contact's latest marketing record is the revocation their WhatsApp stop made."""
    last = session.exec(
        select(ConsentRecord.source, ConsentRecord.granted)
        .where(ConsentRecord.contact_id == contact.id,
               ConsentRecord.purpose == ConsentPurpose.MARKETING)
        .order_by(col(ConsentRecord.id).desc()).limit(1)).first()
    return last is not None and last[0] == STOP_SOURCE and not last[1]


def _when(seconds: int) -> datetime:
    """Meta's time of a preference, or now for none or a date no calendar holds (year
    33658 raised here and failed the whole POST with everything in it)."""
    return inbox.wa_time(seconds) or utcnow()


# each field's effect on the number (see the module's docstring); returns the notice, if any
_APPLY = {"phone_number_quality_update": _quality, "account_update": _account,
          "phone_number_name_update": _name, "business_capability_update": _capability}
