"""The audit trail as people read it: each entry as a pt-BR (or English) sentence, what it is
about and its details in words — never an action code, an internal kind or a raw key — and
the CSV of a list of entries. Shared by the business's /settings/audit and the platform
admin's /admin/audit, so both say the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from ylada_app.core import dates, spreadsheet
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import translate
from ylada_app.models import Tenant, User
from ylada_app.services import audit
from ylada_app.services.analytics import tenant_zone
from ylada_app.services.audit import KINDS, AuditEntry, Filters
from ylada_app.services.errors import FieldErrors
from ylada_app.services.validation import parse_id

_TARGET = re.compile(r"^([a-z_]+):(\d+)$")
# Details worth showing, in this order (others are internal: ids of requests, flags…).
_DETAILS = ("reason", "name", "role", "from_role", "format", "period", "scopes", "url",
            "count", "rows")
_DETAIL_LABEL = {"reason": "field.reason", "name": "field.name", "role": "field.role",
                 "count": "field.count"}
_OTHER = (("auth.", "audit.other.auth"), ("team.", "audit.other.team"),
          ("export.", "audit.other.export"), ("privacy.", "audit.other.privacy"),
          ("admin.", "audit.other.admin"), ("tenant.", "audit.other.tenant"))


def _known(key: str, lang: str, **params: object) -> str | None:
    text = translate(key, lang, **params)
    return None if text == key else text


def sentence(action: str, lang: str = "pt-BR") -> str:
    """The action in words; one without its own sentence reads as its kind."""
    text = _known("audit.action." + action, lang)
    if text:
        return text
    key = next((k for prefix, k in _OTHER if action.startswith(prefix)), "audit.other.any")
    return translate(key, lang)


def target_text(target: str, lang: str = "pt-BR", users: dict[int, str] | None = None) -> str:
    """`contact:12` → "contato nº 12", `user:3` → the person's e-mail (when known); an
    e-mail or a name stays as written."""
    match = _TARGET.match(target or "")
    if match and match.group(1) == "user" and (users or {}).get(int(match.group(2))):
        return (users or {})[int(match.group(2))]
    if match:
        return _known(f"audit.target.{match.group(1)}", lang, id=match.group(2)) or "—"
    return target or "—"


def details_text(details: dict, lang: str = "pt-BR") -> str:
    parts = []
    for key in _DETAILS:
        value = details.get(key)
        if value in ("", None):
            continue
        label = translate(_DETAIL_LABEL.get(key) or f"audit.detail.{key}", lang)
        if key in ("role", "from_role"):
            value = translate(f"role.{value}", lang)
        parts.append(f"{label}: {value}")
    return "; ".join(parts) or "—"


def actor_text(entry: AuditEntry, lang: str = "pt-BR") -> str:
    """Who: the person's e-mail; the platform's staff say so (a business sees them too)."""
    if entry.action.startswith("admin."):
        return f"{translate('audit.platform_staff', lang)} · {entry.actor}"
    return entry.actor


def row(entry: AuditEntry, *, lang: str = "pt-BR", zone: str = "America/Sao_Paulo",
        users: dict[int, str] | None = None) -> dict:
    return {"id": str(entry.id), "when": local_text(entry.at, "%d/%m/%Y %H:%M:%S", zone),
            "who": actor_text(entry, lang), "what": sentence(entry.action, lang),
            "target": target_text(entry.target, lang, users),
            "details": details_text(entry.details, lang), "ip": entry.client_ip or "—"}


def csv_text(rows: list[dict], *, lang: str = "pt-BR", with_business: bool = False) -> str:
    """The rows (`row`) as CSV for spreadsheets (semicolons: Excel in pt-BR reads them)."""
    head = ["audit.when", "audit.who", "audit.what", "audit.target", "audit.details"]
    keys = ["when", "who", "what", "target", "details"]
    if with_business:
        head.append("audit.business")
        keys.append("business")
    return spreadsheet.csv_text(
        [translate(h, lang) for h in head] + [translate("account.address", lang)],
        ([r.get(k, "") for k in keys] + [r.get("ip", "")] for r in rows))


def _users(session: Session, entries: list[AuditEntry]) -> dict[int, str]:
    """E-mails of the people named as targets (`user:<id>`: a member whose role changed)."""
    ids = {int(m.group(2)) for e in entries
           if (m := _TARGET.match(e.target or "")) and m.group(1) == "user"}
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.email).where(col(User.id).in_(ids))).all())


# --- a business's own trail (/settings/audit) ---------------------------------------------------
def parse_day(text: object) -> date | None:
    """A date typed or picked (yyyy-mm-dd from the date picker, or dd/mm/yyyy); None if blank.
    Raises ValueError for anything else."""
    raw = str(text or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def filters_for(zone_name: str, *, kind: str = "", since: object = "", until: object = "",
                person: object = "") -> Filters:
    """The page's filters (local days, inclusive) as UTC bounds. Bad dates: FieldErrors."""
    try:
        first, last = parse_day(since), parse_day(until)
    except ValueError:
        raise FieldErrors({"dates": "audit.bad_date"}) from None
    zone = dates.zone(zone_name)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)

    return Filters(kind=kind if kind in KINDS else "",
                   since=utc(first) if first else None,
                   until=utc(last + timedelta(days=1)) if last else None,
                   actor_user_id=parse_id(person) if person not in ("", None) else None)


@dataclass(frozen=True)
class BusinessView:
    rows: list[dict]
    total: int
    pages: int
    people: list[tuple[int, str]]


def business_view(session: Session, *, tenant_id: int, kind: str = "", since: object = "",
                  until: object = "", person: object = "", page: int = 1,
                  lang: str = "pt-BR") -> BusinessView:
    """One page of the business's own entries, as sentences, in its timezone."""
    zone_name = tenant_zone(session, tenant_id)
    filters = filters_for(zone_name, kind=kind, since=since, until=until, person=person)
    found = audit.business_page(session, tenant_id=tenant_id, filters=filters, page=page)
    users = _users(session, found.entries)
    return BusinessView([row(e, lang=lang, zone=zone_name, users=users)
                         for e in found.entries],
                        found.total, max(1, -(-found.total // audit.PAGE)),
                        audit.business_people(session, tenant_id=tenant_id))


CSV_MAX = 5000


def business_csv(session: Session, *, tenant_id: int, user_id: int | None, kind: str = "",
                 since: object = "", until: object = "", person: object = "",
                 lang: str = "pt-BR") -> str:
    """Every matching entry (up to CSV_MAX, newest first) as CSV; the download is itself
    recorded."""
    zone_name = tenant_zone(session, tenant_id)
    filters = filters_for(zone_name, kind=kind, since=since, until=until, person=person)
    found = audit.business_page(session, tenant_id=tenant_id, filters=filters,
                                per_page=CSV_MAX)
    users = _users(session, found.entries)
    text = csv_text([row(e, lang=lang, zone=zone_name, users=users) for e in found.entries],
                    lang=lang)
    audit.record(session, action="export.audit", actor_user_id=user_id, tenant_id=tenant_id,
                 format="csv", rows=len(found.entries))
    return text


def admin_view(session: Session, *, kind: str = "", since: object = "", until: object = "",
               person: object = "", page: int = 1, lang: str = "pt-BR",
               per_page: int = audit.PAGE) -> tuple[list[dict], int]:
    """The platform admin's page of the whole trail (Brasília time) and how many match;
    each row names its business."""
    filters = filters_for(dates.DEFAULT_ZONE, kind=kind, since=since, until=until,
                          person=person)
    found = audit.entries(session, filters=filters, limit=per_page,
                          offset=(max(1, page) - 1) * per_page)
    names = dict(session.exec(select(Tenant.id, Tenant.name).where(
        col(Tenant.id).in_({e.tenant_id for e in found if e.tenant_id}))).all()) \
        if any(e.tenant_id for e in found) else {}
    rows, users = [], _users(session, found)
    for e in found:
        r = row(e, lang=lang, users=users)
        r["business"] = names.get(e.tenant_id, "—") if e.tenant_id else "—"
        rows.append(r)
    return rows, audit.count(session, filters=filters)
