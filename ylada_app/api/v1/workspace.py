"""Read-only views of the business for integrations: flows (and validating one), installed
marketplace templates, this month's usage, and the analytics summary of a period."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Request

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Id, InstanceFilter, caller, reader
from ylada_app.api.v1.problems import lang_of
from ylada_app.core.db import session_scope
from ylada_app.engine import validate as engine_validate
from ylada_app.services import analytics, entitlements, flows, marketplace
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(tags=["workspace"])


def _flow(f) -> dict[str, Any]:
    return {"id": f.id, "instance_id": f.instance_id, "name": f.name, "status": f.status,
            "updated_at": f.updated_at}


@router.get("/flows", response_model=schemas.FlowList, summary="List flows")
def list_flows(who: ApiCaller = Depends(caller),
               instance_id: InstanceFilter = None
               ) -> schemas.FlowList:
    with session_scope() as session:
        rows = flows.list_flows(session, tenant_id=who.tenant_id, instance_id=instance_id)
        return schemas.FlowList(data=[schemas.FlowSummary(**_flow(f)) for f in rows])


@router.get("/flows/{flow_id:int}", response_model=schemas.FlowDetail, summary="A flow's JSON")
def get_flow(flow_id: Id, who: ApiCaller = Depends(caller)) -> schemas.FlowDetail:
    with session_scope() as session:
        f = flows.get_flow(session, tenant_id=who.tenant_id, flow_id=flow_id)
        return schemas.FlowDetail(**_flow(f), definition=dict(f.draft or {}))


@router.post("/flows/validate", response_model=schemas.FlowValidation,
             summary="Validate a flow's JSON",
             description="Checks a flow (format v1) without saving it: errors and warnings in "
                         "pt-BR (`Accept-Language: en` for English), with the node they are "
                         "about.")
def validate_flow(request: Request, definition: Annotated[dict[str, Any], Body(
                     openapi_examples={"valid": {"summary": "a flow without errors",
                                                 "value": schemas.FLOW_EXAMPLE}})],
             who: ApiCaller = Depends(reader)) -> schemas.FlowValidation:
    del who  # any valid key may validate, a read-only one too
    report = engine_validate.validate_flow(definition, lang=lang_of(request))
    return schemas.FlowValidation(
        ok=report.ok, errors=[schemas.FlowIssue(**i.to_dict()) for i in report.errors],
        warnings=[schemas.FlowIssue(**i.to_dict()) for i in report.warnings])


@router.get("/templates/installed", response_model=schemas.InstalledTemplateList,
            summary="Marketplace templates installed")
def list_installed_templates(who: ApiCaller = Depends(caller)) -> schemas.InstalledTemplateList:
    with session_scope() as session:
        rows = marketplace.list_installs(session, tenant_id=who.tenant_id)
        return schemas.InstalledTemplateList(data=[schemas.InstalledTemplate(
            id=r.id, template_slug=r.template_slug, template_name=r.template_name,
            instance_id=r.instance_id, flow_id=r.flow_id, version=r.version,
            latest_version=r.latest_version, update_available=r.update_available,
            installed_at=r.installed_at) for r in rows])


def _counts(row) -> dict[str, int]:
    return {"messages_in": row.messages_in, "messages_out": row.messages_out,
            "messages_blocked": row.messages_blocked, "ai_tokens": row.ai_tokens}


@router.get("/usage", response_model=schemas.Usage, summary="This month's usage",
            description="The business's own counters, and under `plan_usage` those the "
                        "plan's limits count — for an agency and its clients, one plan "
                        "shared, the whole group's.")
def get_usage(who: ApiCaller = Depends(caller)) -> schemas.Usage:
    # Found by review and fixed: an agency client's own counters were answered next to the
    # limits its whole group shares, with nothing to compare them with (a client could read
    # 2 of 5 messages used while the group had used them all and the bot had stopped). The
    # group's are added under `plan_usage`; the existing fields keep their meaning (the
    # business's own: an agency adds them up to bill its clients).
    with session_scope() as session:
        own = entitlements.month_usage(session, tenant_id=who.tenant_id)
        _, group = entitlements.cached_plan_tenants(session, who.tenant_id)
        counted = own if len(group) == 1 else entitlements.plan_usage(
            session, tenant_id=who.tenant_id, month=own.month)
        limits = entitlements.limits_for(session, tenant_id=who.tenant_id)
        return schemas.Usage(month=own.month, plan=limits.plan_code, **_counts(own),
                             messages_limit=limits.max_messages_month,
                             ai_tokens_limit=limits.max_ai_tokens_month,
                             shared_plan=len(group) > 1,
                             plan_usage=schemas.UsageCounts(**_counts(counted)))


@router.get("/analytics/summary", response_model=schemas.AnalyticsSummary,
            summary="Figures of a period",
            description="Totals and per-day figures in the business's time zone, as on the "
                        "Relatórios page.")
def get_analytics_summary(who: ApiCaller = Depends(caller),
                      period: Literal["today", "7d", "30d", "90d"] = "7d",
                      instance_id: InstanceFilter = None
                      ) -> schemas.AnalyticsSummary:
    with session_scope() as session:
        data = analytics.dashboard(session, tenant_id=who.tenant_id, period=period,
                                   instance_id=instance_id)
        return schemas.AnalyticsSummary(period=data["period"], totals=data["totals"],
                                        days=data["days"])
