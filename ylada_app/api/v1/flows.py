"""/api/v1/flows: start an active flow for a contact (ManyChat's "send flow")."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Id, caller
from ylada_app.core.db import session_scope
from ylada_app.services import agent_inbox
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/flows", tags=["flows"])


@router.post("/{flow_id}/start", status_code=202, response_model=schemas.FlowStarted,
             summary="Start a flow for a contact",
             description="The flow must be active on the contact's number; the contact must "
                         "be able to receive messages (24-hour window, not opted out). The "
                         "bot takes the conversation and the flow's messages follow.")
def start_flow(flow_id: Id, body: schemas.StartFlowIn,
               who: ApiCaller = Depends(caller)) -> schemas.FlowStarted:
    with session_scope() as session:
        conv_id = agent_inbox.start_flow(session, tenant_id=who.tenant_id,
                                         contact_id=body.contact_id, flow_id=flow_id)
    return schemas.FlowStarted(conversation_id=conv_id)
