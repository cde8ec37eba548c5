"""Instances (WhatsApp numbers or simulators) of a tenant, and connecting the Cloud API.

Every query filters on `tenant_id`: an id from another tenant behaves as "not found".
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from ylada_app.core.crypto import decrypt_secret, encrypt_secret
from ylada_app.core.security import new_token
from ylada_app.engine.text import fold_loose
from ylada_app.engine.types import (
    DEFAULT_OPTIN_REPLY,
    DEFAULT_OPTIN_WORDS,
    DEFAULT_OPTOUT_REPLY,
    DEFAULT_OPTOUT_WORDS,
    OPTOUT_REPLY_TEMPLATE,
)
from ylada_app.models import Instance, utcnow
from ylada_app.models.instance import ChannelKind, InstanceStatus
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.limits import SLOT_STATUSES as _SLOT_STATUSES
from ylada_app.services.limits import check_draft_cap, check_instance_slot
from ylada_app.services.validation import Validator, as_text, parse_id

_APP_SECRET = re.compile(r"^[0-9a-fA-F]{32}$")
DEFAULT_REPLY_MAX = 1000
# What a new number answers when no flow or assistant does, so a first "oi" never meets
# silence; the business edits it (or clears it) on the number's page.
NEW_NUMBER_DEFAULT_REPLY = ("Olá! 👋 Recebemos sua mensagem e já vamos te responder. "
                            "Enquanto isso, fique à vontade para contar como podemos ajudar.")


def list_instances(session: Session, *, tenant_id: int) -> list[Instance]:
    return list(
        session.exec(
            select(Instance).where(Instance.tenant_id == tenant_id).order_by(Instance.id)
        ).all()
    )


def target_choices(session: Session, *, tenant_id: int) -> list[tuple[Instance, bool]]:
    """Numbers a new flow or install may go to, as (number, ready): ready ones (connected,
    simulators included) first — the first is the default — then numbers not connected yet,
    which are never the default."""
    rows = list_instances(session, tenant_id=tenant_id)
    ready = [i for i in rows if i.status == InstanceStatus.CONNECTED]
    return [(i, True) for i in ready] + [(i, False) for i in rows if i not in ready]


def get_instance(session: Session, *, tenant_id: int, instance_id: int | str | None) -> Instance:
    iid = parse_id(instance_id)  # (None for words and numbers past the id column)
    if iid is None:
        raise NotFound("error.not_found")
    inst = session.exec(
        select(Instance).where(Instance.id == iid, Instance.tenant_id == tenant_id)
    ).first()
    if inst is None:
        raise NotFound("error.not_found")
    return inst


def create_instance(
    session: Session, *, tenant_id: int, name: str | None, channel: str | None
) -> Instance:
    v = Validator()
    clean_name = v.name("name", name, max_len=60, min_len=2)
    clean_channel = v.choice(
        "channel", channel or ChannelKind.SIMULATOR, tuple(ChannelKind), "error.channel_invalid"
    )
    v.raise_if_any()
    # A WhatsApp number takes a plan slot when it connects (connect_whatsapp), not here: a
    # number being set up costs nothing. Unconnected ones are capped against abuse.
    if clean_channel != ChannelKind.SIMULATOR:
        check_draft_cap(session, tenant_id=tenant_id)
    inst = Instance(
        tenant_id=tenant_id,
        name=clean_name,
        channel=clean_channel,
        verify_token=new_token(18),
        webhook_key=new_token(18),
        # A simulator needs no credentials: it is usable as soon as it exists.
        status=InstanceStatus.CONNECTED
        if clean_channel == ChannelKind.SIMULATOR
        else InstanceStatus.DRAFT,
        default_reply=NEW_NUMBER_DEFAULT_REPLY,
    )
    session.add(inst)
    session.flush()
    return inst


def rename_instance(
    session: Session, *, tenant_id: int, instance_id: int | str, name: str | None
) -> Instance:
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    v = Validator()
    inst.name = v.name("name", name, max_len=60, min_len=2)
    v.raise_if_any()
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


def set_default_reply(session: Session, *, tenant_id: int, instance_id: int | str,
                      text: str | None) -> Instance:
    """The reply sent when nothing else answers; blank turns it off."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    clean = (text or "").strip()
    if len(clean) > DEFAULT_REPLY_MAX:
        raise FieldErrors({"default_reply": "error.too_long"},
                          {"default_reply": {"max": DEFAULT_REPLY_MAX}})
    inst.default_reply = clean or None
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


# --- opt-out / opt-in words -----------------------------------------------------------------
OPTOUT_WORDS_MAX = 10  # per list
OPTOUT_WORD_MAX = 30
OPTOUT_REPLY_MAX = 1024
_WORD_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class OptoutSettings:
    """What a number's bot does with opt-out / opt-in words: the engine's FlowSet fields of
    the same names. Hashable, so the worker can key its cache of configured flow sets on it."""

    optout_words: tuple[str, ...]
    optout_reply: str
    optin_words: tuple[str, ...]
    optin_reply: str

    def flowset_fields(self) -> dict[str, Any]:
        return {"optout_words": self.optout_words, "optout_reply": self.optout_reply,
                "optin_words": self.optin_words, "optin_reply": self.optin_reply}


DEFAULT_OPTOUT = OptoutSettings(DEFAULT_OPTOUT_WORDS, DEFAULT_OPTOUT_REPLY, DEFAULT_OPTIN_WORDS,
                                DEFAULT_OPTIN_REPLY)


def _stored_words(value: Any) -> tuple[str, ...]:
    return tuple(w for w in value if isinstance(w, str) and w.strip()) \
        if isinstance(value, list) else ()


def optout_settings(inst: Instance) -> OptoutSettings:
    """The number's words and replies, each one falling back to the platform's default when
    not set (NULL). The default confirmation names the number's first opt-in word."""
    if (inst.optout_words is None and inst.optout_reply is None and inst.optin_words is None
            and inst.optin_reply is None):
        return DEFAULT_OPTOUT  # the hot path: most numbers keep the defaults
    # An empty or broken stored list never leaves a contact without a way out (or back).
    optout = _stored_words(inst.optout_words) or DEFAULT_OPTOUT_WORDS
    optin = _stored_words(inst.optin_words) or DEFAULT_OPTIN_WORDS
    return OptoutSettings(optout,
                          inst.optout_reply or OPTOUT_REPLY_TEMPLATE.format(word=optin[0]),
                          optin, inst.optin_reply or DEFAULT_OPTIN_REPLY)


def optout_fields(session: Session, *, tenant_id: int, instance_id: int | str) -> dict[str, Any]:
    """The number's words and replies as the engine's FlowSet fields (the flow editor's test
    chat runs a draft with them)."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    return optout_settings(inst).flowset_fields()


def _clean_words(v: Validator, field: str, raw: object) -> tuple[str, ...]:
    """"Parar, descadastrar" (or a list) → ("PARAR", "DESCADASTRAR"): trimmed, upper case,
    repeats (any case or accent) dropped; problems recorded on `field` in pt-BR."""
    parts = raw if isinstance(raw, list) else _WORD_SEPARATORS.split(as_text(raw))
    words: list[str] = []
    seen: set[str] = set()
    for part in parts:
        word = " ".join(as_text(part).split()).upper()
        if not word:
            continue
        if len(word) > OPTOUT_WORD_MAX:
            v.fail(field, "optout.error.word_long", word=word[:40], max=OPTOUT_WORD_MAX)
        elif not all(ch.isalnum() or ch == " " for ch in word):
            v.fail(field, "optout.error.word_chars", word=word)
        elif not any(ch.isalpha() for ch in word):
            # "1" or "2" would swallow the answers to every numbered menu
            v.fail(field, "optout.error.word_letter", word=word)
        elif fold_loose(word) not in seen:
            seen.add(fold_loose(word))
            words.append(word)
    if len(words) > OPTOUT_WORDS_MAX:
        v.fail(field, "optout.error.too_many", max=OPTOUT_WORDS_MAX)
    return tuple(words)


def _clean_reply(v: Validator, field: str, raw: object) -> str:
    text = as_text(raw).strip()
    if not text:
        v.fail(field, "error.required")
    elif len(text) > OPTOUT_REPLY_MAX:
        v.fail(field, "error.too_long", max=OPTOUT_REPLY_MAX)
    return text


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return [fold_loose(w) for w in a] == [fold_loose(w) for w in b]


def set_optout_settings(session: Session, *, tenant_id: int, instance_id: int | str,
                        optout_words: object, optout_reply: object, optin_words: object,
                        optin_reply: object) -> Instance:
    """The number's opt-out / opt-in words (comma-separated text or a list; letters, digits
    and spaces, any case) and the replies confirming them. The opt-out list can never be
    empty — a contact must always be able to stop (Meta's policy, LGPD) — nor the opt-in
    one, so they can always come back; no word may be in both. What equals the platform's
    default is stored as NULL, so the number keeps following it."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    v = Validator()
    out_words = _clean_words(v, "optout_words", optout_words)
    in_words = _clean_words(v, "optin_words", optin_words)
    if not out_words:
        v.fail("optout_words", "optout.error.optout_empty")
    if not in_words:
        v.fail("optin_words", "optout.error.optin_empty")
    leaving = {fold_loose(w) for w in out_words}
    both = [w for w in in_words if fold_loose(w) in leaving]
    if both:
        v.fail("optin_words", "optout.error.in_both", word=both[0])
    out_reply = _clean_reply(v, "optout_reply", optout_reply)
    in_reply = _clean_reply(v, "optin_reply", optin_reply)
    v.raise_if_any()
    before = optout_settings(inst)
    inst.optout_words = None if _same_words(out_words, DEFAULT_OPTOUT_WORDS) else list(out_words)
    inst.optin_words = None if _same_words(in_words, DEFAULT_OPTIN_WORDS) else list(in_words)
    # The default confirmation follows the first opt-in word: the text the form showed for
    # the old word (left untouched) must not pin the old word once the words change.
    defaults = {OPTOUT_REPLY_TEMPLATE.format(word=in_words[0])}
    if inst.optout_reply is None:
        defaults.add(before.optout_reply)
    inst.optout_reply = None if out_reply in defaults else out_reply
    inst.optin_reply = None if in_reply == DEFAULT_OPTIN_REPLY else in_reply
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


def restore_optout_defaults(session: Session, *, tenant_id: int,
                            instance_id: int | str) -> Instance:
    """Back to the platform's words and replies."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    inst.optout_words = inst.optout_reply = inst.optin_words = inst.optin_reply = None
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


def set_instance_enabled(
    session: Session, *, tenant_id: int, instance_id: int | str, enabled: bool
) -> Instance:
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    if enabled:
        connected = inst.channel == ChannelKind.SIMULATOR or inst.access_token_enc
        if (connected and inst.channel != ChannelKind.SIMULATOR
                and inst.status not in _SLOT_STATUSES):
            check_instance_slot(session, tenant_id=tenant_id, instance_id=inst.id)
        inst.status = InstanceStatus.CONNECTED if connected else InstanceStatus.DRAFT
    else:
        inst.status = InstanceStatus.DISABLED
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


@dataclass(frozen=True)
class WhatsAppCredentials:
    phone_number_id: str
    waba_id: str | None
    access_token: str
    app_secret: str


def validate_credentials(
    *, phone_number_id: str | None, waba_id: str | None, access_token: str | None,
    app_secret: str | None,
) -> WhatsAppCredentials:
    v = Validator()
    pnid = v.digits_id(
        "phone_number_id", phone_number_id, "error.phone_number_id_invalid", required=True
    )
    waba = v.digits_id("waba_id", waba_id, "error.waba_id_invalid", required=False)
    token = (access_token or "").strip()
    if not token:
        v.fail("access_token", "error.required")
    elif len(token) < 20 or len(token) > 1024 or any(c.isspace() for c in token):
        v.fail("access_token", "error.access_token_invalid")
    secret = (app_secret or "").strip()
    if not secret:
        v.fail("app_secret", "error.required")
    elif not _APP_SECRET.match(secret):
        v.fail("app_secret", "error.app_secret_invalid")
    v.raise_if_any()
    return WhatsAppCredentials(pnid or "", waba, token, secret)


# A checker asks the Graph API about the number. It returns an object with `ok`,
# `error` ("auth" | "not_found" | "unavailable" | None), `display_number`, `verified_name`
# (ylada_app.channels.whatsapp_cloud.graph.check_phone_number is the real one).
PhoneChecker = Callable[[str, str], Any]

_CHECK_ERRORS = {
    "auth": ("access_token", "error.graph_auth"),
    "not_found": ("phone_number_id", "error.graph_not_found"),
}


def connect_whatsapp(
    session: Session,
    *,
    tenant_id: int,
    user_id: int,
    instance_id: int | str,
    phone_number_id: str | None,
    waba_id: str | None,
    access_token: str | None,
    app_secret: str | None,
    check: PhoneChecker | None = None,
) -> Instance:
    """Validate, ask the Graph API, and only then store the (encrypted) credentials. The
    connecting user must have confirmed their e-mail."""
    from ylada_app.services.auth import require_verified

    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    require_verified(session, user_id=user_id)
    if inst.channel != ChannelKind.WHATSAPP_CLOUD:
        raise ServiceError("error.not_whatsapp")
    if inst.status == InstanceStatus.DISABLED:
        raise ServiceError("error.instance_disabled")
    if inst.status not in _SLOT_STATUSES:
        check_instance_slot(session, tenant_id=tenant_id, instance_id=inst.id)
    creds = validate_credentials(
        phone_number_id=phone_number_id, waba_id=waba_id, access_token=access_token,
        app_secret=app_secret,
    )
    if check is None:
        from ylada_app.channels.whatsapp_cloud.graph import check_phone_number as check
    result = check(creds.phone_number_id, creds.access_token)
    if not result.ok:
        field, code = _CHECK_ERRORS.get(result.error or "", ("_", "error.graph_unavailable"))
        raise FieldErrors({field: code})
    inst.phone_number_id = creds.phone_number_id
    inst.waba_id = creds.waba_id
    inst.access_token_enc = encrypt_secret(creds.access_token)
    inst.app_secret_enc = encrypt_secret(creds.app_secret)
    inst.display_number = (result.display_number or "")[:32] or None
    inst.verified_name = (result.verified_name or "")[:120] or None
    inst.status = InstanceStatus.CONNECTED
    inst.status_detail = None
    # Only the number was looked at: the sweeper's next round (seconds away) reads the rest
    # — quality, limit, webhooks, display name — for the health page.
    inst.last_checked_at = None
    inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return inst


@dataclass(frozen=True)
class SignupResult:
    steps: list[Any]  # channels.whatsapp_cloud.embedded_signup.Step, in the order tried
    instance: Instance | None  # set when every step passed
    pin: str = ""  # the two-step PIN the number was registered with (shown once)


def connect_embedded(session: Session, *, tenant_id: int, user_id: int,
                     instance_id: int | str, code: str | None, waba_id: str | None,
                     phone_number_id: str | None, signup: Any = None) -> SignupResult:
    """Finish Meta's Embedded Signup for a number: exchange the popup's code for the
    business's token, check the token reaches the chosen number, subscribe the platform app
    to the account's webhooks, register the number with a fresh two-step PIN — and only then
    store the (encrypted) token. Stops at the first failed step; nothing is stored then."""
    from ylada_app.core.settings import get_settings
    from ylada_app.services.auth import require_verified

    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    require_verified(session, user_id=user_id)
    if inst.channel != ChannelKind.WHATSAPP_CLOUD:
        raise ServiceError("error.not_whatsapp")
    if inst.status == InstanceStatus.DISABLED:
        raise ServiceError("error.instance_disabled")
    settings = get_settings()
    if not (settings.meta_app_id and settings.meta_app_secret):
        raise ServiceError("connect.es.not_configured")
    if signup is None:
        from ylada_app.channels.whatsapp_cloud import embedded_signup as signup
    clean_code = str(code or "").strip()
    waba, pnid = str(waba_id or "").strip(), str(phone_number_id or "").strip()
    if not clean_code or len(clean_code) > 2048:
        raise ServiceError("connect.es.cancelled")
    if not (waba.isdigit() and pnid.isdigit() and len(waba) <= 32 and len(pnid) <= 32):
        raise ServiceError("connect.es.no_number")
    if inst.status not in _SLOT_STATUSES:
        check_instance_slot(session, tenant_id=tenant_id, instance_id=inst.id)
    steps: list[Any] = []
    step, token = signup.exchange_code(clean_code)
    steps.append(step)
    if not step.ok:
        return SignupResult(steps, None)
    found = _number_step(signup, pnid, token)
    steps.append(found[0])
    if not found[0].ok:
        return SignupResult(steps, None)
    step = signup.subscribe_app(waba, token)
    steps.append(step)
    if not step.ok:
        return SignupResult(steps, None)
    pin = f"{secrets.randbelow(10**6):06d}"
    step = signup.register_number(pnid, token, pin)
    steps.append(step)
    if not step.ok:
        return SignupResult(steps, None)
    health = found[1]
    inst.phone_number_id, inst.waba_id = pnid, waba
    inst.access_token_enc = encrypt_secret(token)
    # Webhooks of an Embedded Signup number are signed with the platform app's secret.
    inst.app_secret_enc = encrypt_secret(settings.meta_app_secret)
    inst.display_number = health.display_number[:32] or None
    inst.verified_name = health.verified_name[:120] or None
    inst.status, inst.status_detail = InstanceStatus.CONNECTED, None
    inst.health = health_view(health, webhook_subscribed=True)
    inst.last_checked_at = inst.updated_at = utcnow()
    session.add(inst)
    session.flush()
    return SignupResult(steps, inst, pin)


def _number_step(signup: Any, pnid: str, token: str) -> tuple[Any, Any]:
    """The "number" step: the token must see the number the popup reported."""
    health = signup.health(pnid, None, token)
    ok = health.number_found
    return signup.Step("number", ok, "" if ok else health.error), health


def health_view(health: Any, *, webhook_subscribed: bool | None = None) -> dict[str, Any]:
    """What is kept of a health check on the number (JSON on the row)."""
    subscribed = health.webhook_subscribed if webhook_subscribed is None else webhook_subscribed
    return {"token_ok": health.token_ok, "number_found": health.number_found,
            "quality_rating": health.quality_rating, "messaging_tier": health.messaging_tier,
            "name_status": health.name_status, "webhook_subscribed": subscribed,
            "error": health.error[:300], "checked_at": utcnow().isoformat(timespec="seconds")}


def check_health_now(session: Session, *, tenant_id: int, instance_id: int | str,
                     probe: Any = None) -> Instance:
    """The health page's "verificar agora": the business's own number, checked at once."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    if inst.channel != ChannelKind.WHATSAPP_CLOUD:
        raise ServiceError("health.not_whatsapp")
    if not inst.phone_number_id or not inst.access_token_enc:
        raise ServiceError("health.not_connected")
    if probe is None:
        from ylada_app.channels.whatsapp_cloud.embedded_signup import health as probe
    health = probe(inst.phone_number_id, inst.waba_id, instance_access_token(inst) or "")
    return record_health(session, instance_id=inst.id, health=health) or inst


def record_health(session: Session, *, instance_id: int, health: Any) -> Instance | None:
    """Store a health check (the job and the page's "verificar agora"); a lost token or a
    vanished number marks the number as failing, a good check as connected again."""
    inst = session.get(Instance, instance_id)
    if inst is None or inst.status == InstanceStatus.DISABLED:
        return inst
    # Meta's latest account notice came by webhook; a check cannot see it: it stays.
    from ylada_app.services.number_events import NOTICE_KEY

    notice = (inst.health or {}).get(NOTICE_KEY)
    inst.health = {**health_view(health), **({NOTICE_KEY: notice} if notice else {})}
    inst.last_checked_at = utcnow()
    if health.number_found:
        inst.status, inst.status_detail = InstanceStatus.CONNECTED, None
        inst.display_number = health.display_number[:32] or inst.display_number
    elif not health.token_ok:
        inst.status, inst.status_detail = InstanceStatus.ERROR, "error.graph_auth"
    elif health.reachable:
        inst.status, inst.status_detail = InstanceStatus.ERROR, "error.graph_not_found"
    session.add(inst)
    session.flush()
    return inst


def instance_access_token(inst: Instance) -> str | None:
    return decrypt_secret(inst.access_token_enc) if inst.access_token_enc else None


def instance_app_secret(inst: Instance) -> str | None:
    return decrypt_secret(inst.app_secret_enc) if inst.app_secret_enc else None


def record_check(session: Session, *, instance_id: int, result: Any) -> Instance | None:
    """Store the outcome of a background re-check (jobs take ids, not tenants)."""
    inst = session.get(Instance, instance_id)
    if inst is None or inst.status == InstanceStatus.DISABLED:
        return inst
    inst.last_checked_at = utcnow()
    if result.ok:
        inst.status = InstanceStatus.CONNECTED
        inst.status_detail = None
    else:
        inst.status = InstanceStatus.ERROR
        inst.status_detail = {
            "auth": "error.graph_auth",
            "not_found": "error.graph_not_found",
        }.get(result.error or "", "error.graph_unavailable")
    session.add(inst)
    session.flush()
    return inst


_WEBHOOK_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")  # as new_token makes them


def is_webhook_key(value: object) -> bool:
    """Whether `value` could be a webhook key at all (anything else — a NUL byte, other
    scripts, 100 kB of letters — is no key, not a database or cache question)."""
    return isinstance(value, str) and _WEBHOOK_KEY.fullmatch(value) is not None


def find_by_webhook_key(session: Session, webhook_key: str) -> Instance | None:
    if not is_webhook_key(webhook_key):
        return None
    return session.exec(select(Instance).where(Instance.webhook_key == webhook_key)).first()
