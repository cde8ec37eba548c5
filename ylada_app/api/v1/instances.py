"""GET /api/v1/instances[/{id}[/health]]: the business's WhatsApp numbers."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Id, caller
from ylada_app.core.db import session_scope
from ylada_app.services import instances
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/instances", tags=["instances"])


def _out(inst) -> schemas.Instance:
    return schemas.Instance(id=inst.id, name=inst.name, channel=inst.channel,
                            status=inst.status, display_number=inst.display_number,
                            verified_name=inst.verified_name,
                            last_checked_at=inst.last_checked_at, created_at=inst.created_at)


@router.get("", response_model=schemas.InstanceList, summary="List the numbers")
def list_instances(who: ApiCaller = Depends(caller)) -> schemas.InstanceList:
    with session_scope() as session:
        rows = instances.list_instances(session, tenant_id=who.tenant_id)
        return schemas.InstanceList(data=[_out(i) for i in rows])


@router.get("/{instance_id}", response_model=schemas.Instance, summary="One number")
def get_instance(instance_id: Id, who: ApiCaller = Depends(caller)) -> schemas.Instance:
    with session_scope() as session:
        return _out(instances.get_instance(session, tenant_id=who.tenant_id,
                                           instance_id=instance_id))


@router.get("/{instance_id}/health", response_model=schemas.InstanceHealth,
            summary="Is the number connected")
def get_instance_health(instance_id: Id, who: ApiCaller = Depends(caller)
                    ) -> schemas.InstanceHealth:
    with session_scope() as session:
        inst = instances.get_instance(session, tenant_id=who.tenant_id, instance_id=instance_id)
        return schemas.InstanceHealth(id=inst.id, status=inst.status,
                                      detail=inst.status_detail,
                                      last_checked_at=inst.last_checked_at)
