"""Jobs about instances: re-check a WhatsApp number's credentials against the Graph API."""

from __future__ import annotations

from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.core.db import session_scope
from ylada_app.models import Instance
from ylada_app.models.instance import ChannelKind
from ylada_app.services import instances


def recheck_instance(instance_id: int) -> str:
    """Returns the instance's new status (or 'skipped')."""
    with session_scope() as session:
        inst = session.get(Instance, instance_id)
        if inst is None or inst.channel != ChannelKind.WHATSAPP_CLOUD or not inst.phone_number_id:
            return "skipped"
        token = instances.instance_access_token(inst)
        pnid = inst.phone_number_id
    # The HTTP call happens outside the transaction: no row lock held while Meta answers.
    result = check_phone_number(pnid, token or "")
    with session_scope() as session:
        inst = instances.record_check(session, instance_id=instance_id, result=result)
        return inst.status if inst else "skipped"
