"""Tenant analytics: the /analytics dashboard's figures, read from the hourly rollups only.

A period is a range of whole days in the tenant's timezone (Tenant.timezone); it becomes a
half-open UTC range of hours, and each UTC hour bucket is put back on its local day and hour.
Two indexed range reads per load (the all-flows series rows, and the per-flow rows); nothing
here touches `message` or `analytics_event`. What each figure counts is documented in
services/analytics_rollup.py.

Simulator instances (the tenant testing its own bot) are left out of the whole-tenant
figures unless `include_simulator` is set; picking a simulator instance explicitly shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, DateTime, and_, cast, extract, func, or_, select, type_coerce
from sqlmodel import Session

from ylada_app.engine.validate import node_ref
from ylada_app.models import AnalyticsRollup, Flow, FlowVersion, Instance, Tenant
from ylada_app.services.analytics_rollup import AI_ANSWERS, parse_split_key
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.validation import parse_id

DEFAULT_TZ = "America/Sao_Paulo"
PERIODS = ("today", "7d", "30d", "90d", "custom")
MAX_DAYS = 366
# Figure → the rollup metric it sums (AI answers: every `ai_*` answer metric).
SERIES = {"msg_in": "msg_in", "msg_out": "msg_out", "msg_blocked": "msg_blocked",
          "contacts_new": "contacts_new", "conversations": "flow_started",
          "conversions": "goal_reached", "handoffs": "handoff", "ai_answers": AI_ANSWERS}
FIGURES = ("msg_in", "msg_out", "contacts_new", "conversations", "conversions", "handoffs",
           "ai_answers")
_METRIC_TO_FIGURE = {v: k for k, v in SERIES.items()}


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def utc_start(self) -> datetime:
        return _to_utc(datetime.combine(self.start, time(0), self.zone))

    @property
    def utc_end(self) -> datetime:
        return _to_utc(datetime.combine(self.end + timedelta(days=1), time(0), self.zone))

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _to_utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None)


def zone_name(name: str | None) -> str:
    try:
        ZoneInfo(name or DEFAULT_TZ)
        return name or DEFAULT_TZ
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_TZ


def parse_day(raw: object) -> date | None:
    """"2026-11-24" (the date input) or "24/11/2026" → date; None when unreadable."""
    text = str(raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def resolve_period(tz: str | None, period: str | None, start: object = None, end: object = None,
                   *, today: date | None = None) -> Period:
    """The chosen period as local days; bad input raises FieldErrors with pt-BR messages."""
    tz = zone_name(tz)
    today = today or datetime.now(ZoneInfo(tz)).date()
    key = (period or "7d").strip()
    if key not in PERIODS:
        raise FieldErrors({"period": "analytics.error.period_invalid"})
    if key != "custom":
        span = {"today": 1, "7d": 7, "30d": 30, "90d": 90}[key]
        return Period(key, today - timedelta(days=span - 1), today, tz)
    errors: dict[str, str] = {}
    s, e = parse_day(start), parse_day(end)
    for name, raw, value in (("start", start, s), ("end", end, e)):
        if not str(raw or "").strip():
            errors[name] = "analytics.error.date_required"
        elif value is None:
            errors[name] = "analytics.error.date_invalid"
    if errors:
        raise FieldErrors(errors)
    if s > today:
        raise FieldErrors({"start": "analytics.error.future"})
    if e > today:
        raise FieldErrors({"end": "analytics.error.future"})
    if s > e:
        raise FieldErrors({"end": "analytics.error.range_reversed"})
    if (e - s).days + 1 > MAX_DAYS:
        raise FieldErrors({"end": "analytics.error.range_too_long"}, {"end": {"max": MAX_DAYS}})
    return Period(key, s, e, tz)


def tenant_zone(session: Session, tenant_id: int) -> str:
    tenant = session.get(Tenant, tenant_id)
    return zone_name(tenant.timezone if tenant else None)


def scope_instances(session: Session, *, tenant_id: int, instance_id: object = None,
                    include_simulator: bool = False) -> tuple[list[Instance], list[Instance]]:
    """(every instance of the tenant, the ones the figures cover). An instance id that is
    not the tenant's is refused with the same message as one that does not exist."""
    all_instances = list(session.scalars(select(Instance).where(Instance.tenant_id == tenant_id)
                                         .order_by(Instance.id)).all())
    if instance_id not in (None, "", "all"):
        iid = parse_id(instance_id)
        if iid is None:
            raise NotFound("analytics.error.instance", field="instance")
        chosen = [i for i in all_instances if i.id == iid]
        if not chosen:
            raise NotFound("analytics.error.instance", field="instance")
        return all_instances, chosen
    return all_instances, [i for i in all_instances
                           if include_simulator or i.channel != "simulator"]


def _series_in_sql(session: Session, series: list, hour, r, tz: str, days: dict,
                   heat: list[list[int]]) -> None:
    """PostgreSQL: the hours are put on local days and weekday × hour by the database, so
    a 90-day period returns a few hundred rows instead of thousands of hours."""
    local = func.timezone(tz, func.timezone("UTC", hour))
    day_col = cast(local, Date)
    for day, metric, value in session.execute(
            select(day_col, r.metric, func.sum(r.value)).where(*series)
            .group_by(day_col, r.metric)).all():
        fig = _figure(metric)
        row = days.get(day.isoformat())
        if fig is not None and row is not None:
            row[fig] += int(value)
    dow, hod = extract("isodow", local), extract("hour", local)
    for d, h, value in session.execute(
            select(dow, hod, func.sum(r.value)).where(*series, r.metric == "msg_in")
            .group_by(dow, hod)).all():
        heat[int(d) - 1][int(h)] += int(value)


def _series_in_python(session: Session, series: list, hour, r, zone: ZoneInfo, days: dict,
                      heat: list[list[int]]) -> None:
    cache: dict = {}
    for h, metric, value in session.execute(
            select(hour, r.metric, func.sum(r.value)).where(*series)
            .group_by(hour, r.metric)).all():
        fig = _figure(metric)
        if fig is None:
            continue
        local = _local(h, zone, cache)
        day = days.get(local.date().isoformat())
        if day is None:
            continue
        day[fig] += value
        if fig == "msg_in":
            heat[local.weekday()][local.hour] += value


def _local(hour: datetime, zone: ZoneInfo, cache: dict) -> datetime:
    got = cache.get(hour)
    if got is None:
        got = cache[hour] = hour.replace(tzinfo=UTC).astimezone(zone)
    return got


def _figure(metric: str) -> str | None:
    return _METRIC_TO_FIGURE.get(metric)


FLOW_METRICS = ("flow_started", "goal_reached", "reach", "split", "split_goal")


def _flow_window(r, hour, lo: datetime, hi: datetime):
    """Per-flow rows of [lo, hi): whole UTC days from the daily rows (`d:`), the partial days
    at both ends from the hourly ones (`f:`)."""
    d0 = lo.replace(hour=0) + (timedelta(days=1) if lo.hour else timedelta(0))
    d1 = hi.replace(hour=0)
    hourly = r.metric.in_(["f:" + m for m in FLOW_METRICS])
    if d0 >= d1:
        return and_(hourly, hour >= lo, hour < hi)
    return or_(
        and_(r.metric.in_(["d:" + m for m in FLOW_METRICS]), hour >= d0, hour < d1),
        and_(hourly, hour >= lo, hour < d0),
        and_(hourly, hour >= d1, hour < hi))


def _empty() -> dict[str, int]:
    return dict.fromkeys((*FIGURES, "msg_blocked"), 0)


def dashboard(session: Session, *, tenant_id: int, period: str = "7d", start: object = None,
              end: object = None, instance_id: object = None, include_simulator: bool = False,
              today: date | None = None, lang: str = "pt-BR") -> dict[str, Any]:
    """The dashboard's figures; `lang` words the flows' steps that have no name of their
    own ("Pergunta (bloco 3)" / "Question (block 3)")."""
    per = resolve_period(tenant_zone(session, tenant_id), period, start, end, today=today)
    all_instances, scoped = scope_instances(session, tenant_id=tenant_id,
                                            instance_id=instance_id,
                                            include_simulator=include_simulator)
    ids = [i.id for i in scoped]
    zone = per.zone
    days = {d.isoformat(): _empty() for d in per.days}
    per_instance = {i.id: _empty() for i in scoped}
    heat = [[0] * 24 for _ in range(7)]
    flows: dict[str, dict[str, Any]] = {}
    if ids:
        r = AnalyticsRollup.__table__.c
        hour = type_coerce(r.hour, DateTime())  # plain timestamps: no per-row conversion
        lo, hi = per.utc_start, per.utc_end
        scope = [r.tenant_id == tenant_id, r.instance_id.in_(ids)]
        series = [*scope, r.metric.in_(list(SERIES.values())), hour >= lo, hour < hi,
                  r.flow_id == ""]
        if session.get_bind().dialect.name == "postgresql":
            _series_in_sql(session, series, hour, r, per.tz, days, heat)
        else:
            _series_in_python(session, series, hour, r, zone, days, heat)
        for iid, metric, value in session.execute(
                select(r.instance_id, r.metric, func.sum(r.value)).where(*series)
                .group_by(r.instance_id, r.metric)).all():
            fig = _figure(metric)
            if fig is not None:
                per_instance[iid][fig] += value
        for flow_id, node_id, metric, value in session.execute(
                select(r.flow_id, r.node_id, r.metric, func.sum(r.value))
                .where(*scope, _flow_window(r, hour, lo, hi))
                .group_by(r.flow_id, r.node_id, r.metric)).all():
            f = flows.setdefault(flow_id, {"started": 0, "conversions": 0, "nodes": {},
                                           "splits": {}})
            metric = metric[2:]
            if metric == "reach":
                f["nodes"][node_id] = f["nodes"].get(node_id, 0) + value
            elif metric in ("split", "split_goal"):
                _add_split(f["splits"], node_id, metric, value)
            elif metric == "flow_started":
                f["started"] += value
            else:
                f["conversions"] += value
    totals = _empty()
    for d in days.values():
        for k, v in d.items():
            totals[k] += v
    by_name = {i.id: i for i in all_instances}
    return {
        "period": {"key": per.key, "start": per.start.isoformat(), "end": per.end.isoformat(),
                   "tz": per.tz},
        "days": [{"day": k, **v} for k, v in days.items()],
        "totals": totals,
        "heatmap": heat,
        "flows": _flow_rows(session, tenant_id, flows, lang),
        "instances": [{"id": iid, "name": by_name[iid].name, "channel": by_name[iid].channel,
                       **v} for iid, v in per_instance.items()],
        "all_instances": [{"id": i.id, "name": i.name, "channel": i.channel}
                          for i in all_instances],
        "empty": not any(totals.values()) and not flows,
    }


def _add_split(splits: dict, key: str, metric: str, value: int) -> None:
    """splits[node][branch] = [contacts entered, of them reached a goal]."""
    parsed = parse_split_key(key)
    if parsed is None:
        return
    node_id, branch = parsed
    counts = splits.setdefault(node_id, {}).setdefault(branch, [0, 0])
    counts[0 if metric == "split" else 1] += value


def rate(conversions: int, started: int) -> float | None:
    return None if not started else round(100.0 * conversions / started, 1)


def _flow_rows(session: Session, tenant_id: int, flows: dict[str, dict],
               lang: str = "pt-BR") -> list[dict]:
    if not flows:
        return []
    numeric = [int(f) for f in flows if f.isdigit()]
    known = {str(f.id): f for f in session.scalars(
        select(Flow).where(Flow.tenant_id == tenant_id, Flow.id.in_(numeric)))}
    out = []
    for flow_id, f in flows.items():
        flow = known.get(flow_id)
        definition = _definition(session, flow) if flow else {}
        labels = _node_labels(definition, lang)
        order = {n: i for i, n in enumerate(labels)}
        funnel = sorted(({"node_id": n, "label": labels.get(n, n), "count": c}
                         for n, c in f["nodes"].items()),
                        key=lambda x: (-x["count"], order.get(x["node_id"], 10**6), x["label"]))
        out.append({"flow_id": flow_id, "name": flow.name if flow else f"#{flow_id}",
                    "started": f["started"], "conversions": f["conversions"],
                    "rate": rate(f["conversions"], f["started"]), "funnel": funnel,
                    "splits": _split_rows(definition, labels, f["splits"])})
    out.sort(key=lambda x: (-x["started"], x["name"]))
    return out


def _definition(session: Session, flow: Flow) -> dict:
    """The flow as its contacts run it: the active version, else the draft."""
    definition = flow.draft or {}
    if flow.active_version_id:
        version = session.get(FlowVersion, flow.active_version_id)
        if version is not None and version.tenant_id == flow.tenant_id:
            definition = version.definition or definition
    return definition if isinstance(definition, dict) else {}


def _node_labels(definition: dict, lang: str = "pt-BR") -> dict[str, str]:
    labels = {}
    for index, node in enumerate(definition.get("nodes") or []):
        if not isinstance(node, dict) or "id" not in node:
            continue
        # named as the editor's problems name blocks: by what they say, never by id or kind
        labels[str(node["id"])] = node_ref(node.get("type"), node.get("data"), index,
                                           lang == "en")
    return labels


def _split_rows(definition: dict, labels: dict[str, str], splits: dict) -> list[dict]:
    """Each A/B split of the flow that contacts went through: all its branches (in the
    flow's order, then any removed since) with the contacts that entered, how many of them
    reached a goal afterwards and that rate."""
    nodes = {str(n.get("id")): n for n in definition.get("nodes") or [] if isinstance(n, dict)}
    rows = []
    for node_id, counts in splits.items():
        data = (nodes.get(node_id) or {}).get("data")
        named = {str(b.get("id")): str(b.get("label") or "").strip() for b in
                 ((data or {}).get("branches") or []) if isinstance(b, dict)}
        order = [*named, *sorted(b for b in counts if b not in named)]
        branches = []
        for b in order:
            entered, converted = counts.get(b, (0, 0))
            branches.append({"id": b, "label": named.get(b) or f"Caminho {b.upper()}",
                             "entered": entered, "conversions": converted,
                             "rate": rate(converted, entered)})
        rows.append({"node_id": node_id, "label": labels.get(node_id, "Teste A/B"),
                     "branches": branches})
    rows.sort(key=lambda x: x["label"])
    return rows
