"""Flows of an instance: create, save the draft, publish a version, activate/deactivate.

A flow can only become active through a version that passes validation, so an invalid flow
can never answer a customer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.engine import validate_flow
from ylada_app.models import Flow, FlowVersion, utcnow
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.instances import get_instance
from ylada_app.services.limits import check_flow_slot
from ylada_app.services.validation import Validator, parse_id

MAX_FLOW_BYTES = 2_000_000


class FlowInvalid(ServiceError):
    """The flow has validation errors; `issues` lists them (pt-BR messages)."""

    status = 422

    def __init__(self, issues: list[Any]) -> None:
        super().__init__("error.flow_invalid")
        self.issues = issues

    @property
    def field_errors(self) -> dict[str, str]:
        return {"_": "error.flow_invalid"}


def list_flows(session: Session, *, tenant_id: int, instance_id: int | None = None) -> list[Flow]:
    q = select(Flow).where(Flow.tenant_id == tenant_id)
    if instance_id is not None:
        q = q.where(Flow.instance_id == instance_id)
    return list(session.exec(q.order_by(Flow.id)).all())


def get_flow(session: Session, *, tenant_id: int, flow_id: int | str) -> Flow:
    fid = parse_id(flow_id)  # (None for words and numbers past the id column)
    if fid is None:
        raise NotFound("error.not_found")
    flow = session.exec(select(Flow).where(Flow.id == fid, Flow.tenant_id == tenant_id)).first()
    if flow is None:
        raise NotFound("error.not_found")
    return flow


def create_flow(
    session: Session, *, tenant_id: int, instance_id: int | str, name: str | None,
    definition: dict | None = None,
) -> Flow:
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    v = Validator()
    clean = v.name("name", name, max_len=80, min_len=2)
    v.raise_if_any()
    flow = Flow(tenant_id=tenant_id, instance_id=inst.id, name=clean,
                draft=definition or {"version": 1, "nodes": [], "edges": [], "variables": []})
    session.add(flow)
    session.flush()
    return flow


def save_draft(session: Session, *, tenant_id: int, flow_id: int | str, definition: Any) -> Flow:
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    if not isinstance(definition, dict):
        raise FieldErrors({"definition": "error.flow_json"})
    flow.draft = definition
    flow.updated_at = utcnow()
    session.add(flow)
    session.flush()
    return flow


@dataclass(frozen=True)
class Published:
    flow: Flow
    version: FlowVersion
    warnings: list[Any]


def publish(session: Session, *, tenant_id: int, flow_id: int | str,
            activate: bool = True) -> Published:
    """Validate the draft, store it as the next version and (by default) make it active."""
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    # (published twice at once: both computed the same next version number, one failed)
    session.refresh(flow, with_for_update={"key_share": True})
    report = validate_flow(flow.draft)
    if not report.ok:
        raise FlowInvalid(list(report.errors))
    if activate and flow.status != "active":
        check_flow_slot(session, tenant_id=tenant_id, flow_id=flow.id)
    last = session.exec(
        select(func.max(FlowVersion.version)).where(FlowVersion.flow_id == flow.id)
    ).one()
    version = FlowVersion(tenant_id=tenant_id, flow_id=flow.id, version=(last or 0) + 1,
                          definition=flow.draft)
    session.add(version)
    session.flush()
    if activate:
        flow.active_version_id = version.id
        flow.status = "active"
    flow.updated_at = utcnow()
    session.add(flow)
    session.flush()
    return Published(flow, version, list(report.warnings))


def set_active(session: Session, *, tenant_id: int, flow_id: int | str, active: bool) -> Flow:
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    if active and flow.active_version_id is None:
        return publish(session, tenant_id=tenant_id, flow_id=flow.id).flow
    if active and flow.status != "active":
        check_flow_slot(session, tenant_id=tenant_id, flow_id=flow.id)
    flow.status = "active" if active else "inactive"
    flow.updated_at = utcnow()
    session.add(flow)
    session.flush()
    return flow


def active_definitions(session: Session, *, instance_id: int) -> dict[str, dict]:
    """{flow id (str): definition} of the instance's active flows (for the engine)."""
    rows = session.exec(
        select(Flow.id, FlowVersion.definition)
        .join(FlowVersion, FlowVersion.id == Flow.active_version_id)
        .where(Flow.instance_id == instance_id, Flow.status == "active")
        .order_by(Flow.id)
    ).all()
    return {str(fid): definition for fid, definition in rows}


class _NonFinite(Exception):
    pass


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN / Infinity / -Infinity; PostgreSQL's json type refuses them,
    # so a flow holding one could never be saved again.
    raise _NonFinite(name)


def import_flow(session: Session, *, tenant_id: int, instance_id: int | str, name: str | None,
                raw_json: str | None, activate: bool = False,
                lang: str = "pt-BR") -> Published | Flow:
    """Create a flow from pasted/uploaded JSON. Unreadable JSON is a field error; a flow
    with validation errors is refused and FlowInvalid lists why (in `lang`)."""
    text = raw_json or ""
    if not text.strip():
        raise FieldErrors({"definition": "error.required"})
    if len(text.encode("utf-8", "ignore")) > MAX_FLOW_BYTES:
        raise FieldErrors({"definition": "error.flow_too_big"})
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except _NonFinite:
        raise FieldErrors({"definition": "error.flow_json_nan"}) from None
    except ValueError:
        raise FieldErrors({"definition": "error.flow_json"}) from None
    if not isinstance(data, dict):
        raise FieldErrors({"definition": "error.flow_json"})
    report = validate_flow(data, lang=lang)
    if not report.ok:
        raise FlowInvalid(list(report.errors))
    flow = create_flow(session, tenant_id=tenant_id, instance_id=instance_id, name=name,
                       definition=data)
    if activate:
        return publish(session, tenant_id=tenant_id, flow_id=flow.id)
    return flow


@dataclass(frozen=True)
class FlowRow:
    id: int
    name: str
    instance_id: int
    instance_name: str
    status: str
    version: int


def flow_rows(session: Session, *, tenant_id: int) -> list[FlowRow]:
    from ylada_app.models import Instance

    versions = dict(session.exec(
        select(FlowVersion.flow_id, func.max(FlowVersion.version))
        .where(FlowVersion.tenant_id == tenant_id).group_by(FlowVersion.flow_id)).all())
    rows = session.exec(
        select(Flow, Instance.name).join(Instance, Instance.id == Flow.instance_id)
        .where(Flow.tenant_id == tenant_id).order_by(Flow.id)).all()
    return [FlowRow(f.id, f.name, f.instance_id, iname, f.status, versions.get(f.id, 0))
            for f, iname in rows]
