from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.broadcast_audience import BroadcastAudience


T = TypeVar("T", bound="BroadcastEstimateIn")


@_attrs_define
class BroadcastEstimateIn:
    """
    Attributes:
        instance_id (int): the WhatsApp number that sends it
        template (str): an APPROVED template of that number
        audience (BroadcastAudience | Unset):
        language (str | Unset):  Default: 'pt_BR'.
    """

    instance_id: int
    template: str
    audience: BroadcastAudience | Unset = UNSET
    language: str | Unset = "pt_BR"

    def to_dict(self) -> dict[str, Any]:
        instance_id = self.instance_id

        template = self.template

        audience: dict[str, Any] | Unset = UNSET
        if not isinstance(self.audience, Unset):
            audience = self.audience.to_dict()

        language = self.language

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instance_id": instance_id,
                "template": template,
            }
        )
        if audience is not UNSET:
            field_dict["audience"] = audience
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.broadcast_audience import BroadcastAudience

        d = dict(src_dict)
        instance_id = d.pop("instance_id")

        template = d.pop("template")

        _audience = d.pop("audience", UNSET)
        audience: BroadcastAudience | Unset
        if isinstance(_audience, Unset):
            audience = UNSET
        else:
            audience = BroadcastAudience.from_dict(_audience)

        language = d.pop("language", UNSET)

        broadcast_estimate_in = cls(
            instance_id=instance_id,
            template=template,
            audience=audience,
            language=language,
        )

        return broadcast_estimate_in
