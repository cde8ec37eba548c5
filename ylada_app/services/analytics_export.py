"""CSV and XLSX exports of the daily figures and of the leads, built in the background.

`request_export` validates and records the request (tenant from the caller, never the
client); `start` queues `ylada_app.jobs.analytics.build_export`, which writes the file under
DATA_DIR/exports/<tenant>/ and updates `done_rows/total_rows` as it goes, so the page shows a
progress bar. `export_file` hands the file only to the export's own tenant, and only for
EXPORT_TTL after it was built: a leads file holds every contact's name and number, so
`purge_expired` (from the sweeper) deletes it then, as the LGPD exports are.

CSV is what a Brazilian spreadsheet opens directly: UTF-8 with BOM, `;` separators, dates as
DD/MM/AAAA. Leads are the contacts (with their captured fields, one column per field name).
White label: a business with its own brand gets files named and titled with it, never "ylada".
"""

from __future__ import annotations

import csv
import re
import secrets
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from ylada_app.core.i18n import translate
from ylada_app.core.security import constant_time_equals
from ylada_app.core.spreadsheet import safe_cell
from ylada_app.models import AnalyticsExport, Contact, Instance, utcnow
from ylada_app.services import analytics, audit
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.validation import parse_id

KINDS = ("daily", "leads")
FORMATS = ("csv", "xlsx")
CHUNK = 1000
EXPORT_TTL = timedelta(days=7)  # how long a built file can be downloaded (then deleted)
DAILY_COLUMNS = ("msg_in", "msg_out", "contacts_new", "conversations", "conversions",
                 "handoffs", "ai_answers")


def export_dir() -> Path:
    from ylada_app.core.settings import get_settings

    return Path(get_settings().data_dir) / "exports"


def request_export(session: Session, *, tenant_id: int, user_id: int, kind: str, fmt: str,
                   period: str = "7d", start: object = None, end: object = None,
                   instance_id: object = None, include_simulator: bool = False,
                   lang: str = "pt-BR") -> int:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = "analytics.error.export_kind"
    if fmt not in FORMATS:
        errors["fmt"] = "analytics.error.export_format"
    if errors:
        raise FieldErrors(errors)
    per = analytics.resolve_period(analytics.tenant_zone(session, tenant_id), period, start, end)
    _, scoped = analytics.scope_instances(session, tenant_id=tenant_id, instance_id=instance_id,
                                          include_simulator=include_simulator)
    title = export_title(session, tenant_id=tenant_id)
    row = AnalyticsExport(
        tenant_id=tenant_id, user_id=user_id, kind=kind, fmt=fmt, token=secrets.token_urlsafe(24),
        params={"period": per.key, "start": per.start.isoformat(), "end": per.end.isoformat(),
                "instance_id": None if instance_id in (None, "", "all") else int(str(instance_id)),
                "instance_ids": [i.id for i in scoped], "include_simulator": include_simulator,
                "lang": lang if lang in ("pt-BR", "en") else "pt-BR", "title": title},
        filename=f"{file_slug(title)}-{'leads' if kind == 'leads' else 'relatorio'}"
                 f"-{per.start.isoformat()}-{per.end.isoformat()}.{fmt}")
    session.add(row)
    session.flush()
    audit.record(session, action=f"export.{kind}", actor_user_id=user_id, tenant_id=tenant_id,
                 target=f"export:{row.id}", format=fmt, period=per.key)
    return row.id


def export_title(session: Session, *, tenant_id: int) -> str:
    """Whose name the file carries: the business's brand (white label), else the platform's."""
    from ylada_app.services.brand import brand_for_tenant

    return brand_for_tenant(session, tenant_id=tenant_id).name


def file_slug(name: str) -> str:
    """A brand's name as a file name's start: "Acme Bots Ltda." → "acme-bots-ltda"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return slug or "export"


def sheet_title(name: str) -> str:
    """An XLSX sheet's name: at most 31 characters, none of []:*?/\\ (Excel's rules)."""
    return re.sub(r"[\[\]:*?/\\]", " ", " ".join(name.split()))[:31].strip() or "export"


def start(export_id: int) -> None:
    """Queue the build (call after the request's transaction committed)."""
    from ylada_app.core.queue import enqueue

    enqueue("ylada_app.jobs.analytics.build_export", export_id)


def _own(session: Session, tenant_id: int, export_id: object) -> AnalyticsExport:
    eid = parse_id(export_id)  # (None for words and for numbers past the id column)
    row = session.get(AnalyticsExport, eid) if eid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return row


def export_status(session: Session, *, tenant_id: int, export_id: object) -> dict[str, Any]:
    row = _own(session, tenant_id, export_id)
    pct = 100 if row.status == "done" else (
        int(100 * row.done_rows / row.total_rows) if row.total_rows else 0)
    return {"id": row.id, "status": row.status, "pct": min(pct, 100), "done": row.done_rows,
            "total": row.total_rows, "filename": row.filename, "token": row.token,
            "error": row.error or ""}


def export_file(session: Session, *, tenant_id: int, export_id: object,
                token: str) -> tuple[Path, str]:
    row = _own(session, tenant_id, export_id)
    if row.status != "done" or not constant_time_equals(row.token, str(token or "")):
        raise NotFound("error.not_found")
    if row.finished_at is None or row.finished_at + EXPORT_TTL <= utcnow():
        raise NotFound("error.not_found")  # (the sweeper deletes the file soon)
    path = _path(row)
    if not path.exists():
        raise NotFound("error.not_found")
    return path, row.filename


def purge_expired(session: Session, *, now: datetime | None = None, limit: int = 200) -> int:
    """Built exports past their download window: the file is deleted and the row kept as
    "expired" (what was exported, by whom and when stays in the audit trail)."""
    now = now or utcnow()
    rows = session.scalars(select(AnalyticsExport).where(
        AnalyticsExport.status == "done",
        col(AnalyticsExport.finished_at) <= now - EXPORT_TTL).limit(limit)).all()
    for row in rows:
        _path(row).unlink(missing_ok=True)
        row.status = "expired"
        session.add(row)
    session.flush()
    return len(rows)


def _path(row: AnalyticsExport) -> Path:
    return export_dir() / str(row.tenant_id) / f"{row.id}-{row.token}.{row.fmt}"


# --- building (the job calls these with its own sessions) -------------------------------------

def daily_table(session: Session, row: AnalyticsExport) -> tuple[list[str], list[list[Any]]]:
    p = row.params
    lang = p.get("lang", "pt-BR")
    data = analytics.dashboard(session, tenant_id=row.tenant_id, period="custom",
                               start=p["start"], end=p["end"], instance_id=p.get("instance_id"),
                               include_simulator=bool(p.get("include_simulator")),
                               today=analytics.parse_day(p["end"]))
    header = [translate("analytics.col.day", lang)] + [
        translate(f"analytics.col.{c}", lang) for c in DAILY_COLUMNS]
    rows = [[_br_date(d["day"])] + [d[c] for c in DAILY_COLUMNS] for d in data["days"]]
    return header, rows


def _br_date(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def count_leads(session: Session, row: AnalyticsExport) -> int:
    ids = row.params.get("instance_ids") or []
    return session.scalar(select(func.count()).select_from(Contact).where(
        Contact.tenant_id == row.tenant_id, Contact.instance_id.in_(ids))) or 0


def lead_field_names(session: Session, row: AnalyticsExport) -> list[str]:
    names: set[str] = set()
    for chunk in iter_leads(session, row):
        for c in chunk:
            names.update(str(k) for k in (c.fields or {}))
    return sorted(names)


def iter_leads(session: Session, row: AnalyticsExport) -> Iterator[list[Contact]]:
    ids = row.params.get("instance_ids") or []
    last = 0
    while True:
        chunk = list(session.scalars(select(Contact).where(
            Contact.tenant_id == row.tenant_id, Contact.instance_id.in_(ids), Contact.id > last)
            .order_by(Contact.id).limit(CHUNK)))
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id


def lead_header(lang: str, fields: list[str]) -> list[str]:
    return [translate(f"analytics.col.{c}", lang) for c in
            ("name", "phone", "instance", "created", "tags", "opted_out")] + fields


def lead_row(c: Contact, instances: dict[int, str], zone: ZoneInfo, fields: list[str],
             lang: str) -> list[Any]:
    created = c.created_at.replace(tzinfo=UTC).astimezone(zone).strftime("%d/%m/%Y %H:%M")
    yes, no = translate("analytics.yes", lang), translate("analytics.no", lang)
    values = c.fields or {}
    return [c.name, c.wa_id, instances.get(c.instance_id, ""), created,
            ", ".join(c.tags or []), yes if c.opted_out else no,
            *[_cell(values.get(f)) for f in fields]]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def instance_names(session: Session, tenant_id: int) -> dict[int, str]:
    return {i.id: i.name for i in session.scalars(
        select(Instance).where(Instance.tenant_id == tenant_id))}


class Writer:
    """Streams rows into a CSV (pt-BR dialect) or an XLSX workbook. `title`: whose file it is
    (the brand's name: the XLSX sheet and its properties carry it)."""

    def __init__(self, fmt: str, path: Path, title: str = "ylada") -> None:
        self.fmt, self.path = fmt, path
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            self._fh = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            self._csv = csv.writer(self._fh, delimiter=";")
        else:
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._wb.properties.creator = self._wb.properties.title = title
            self._wb.properties.lastModifiedBy = title
            self._ws = self._wb.create_sheet(sheet_title(title))

    def write(self, row: list[Any]) -> None:
        if self.fmt == "csv":
            self._csv.writerow([safe_cell(v) for v in row])
        else:
            self._ws.append([safe_cell(v) for v in row])

    def close(self) -> None:
        if self.fmt == "csv":
            self._fh.close()
        else:
            self._wb.save(self.path)


def mark(session: Session, export_id: int, **values: Any) -> None:
    row = session.get(AnalyticsExport, export_id)
    if row is None:
        return
    for k, v in values.items():
        setattr(row, k, v)
    if values.get("status") in ("done", "failed"):
        row.finished_at = utcnow()
    session.add(row)
