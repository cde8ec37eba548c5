from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flow_detail_definition import FlowDetailDefinition


T = TypeVar("T", bound="FlowDetail")


@_attrs_define
class FlowDetail:
    """
    Attributes:
        definition (FlowDetailDefinition): the flow's JSON (its draft)
        id (int):
        instance_id (int):
        name (str):
        status (str): draft | active | inactive
        updated_at (datetime.datetime):
    """

    definition: FlowDetailDefinition
    id: int
    instance_id: int
    name: str
    status: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        definition = self.definition.to_dict()

        id = self.id

        instance_id = self.instance_id

        name = self.name

        status = self.status

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "definition": definition,
                "id": id,
                "instance_id": instance_id,
                "name": name,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.flow_detail_definition import FlowDetailDefinition

        d = dict(src_dict)
        definition = FlowDetailDefinition.from_dict(d.pop("definition"))

        id = d.pop("id")

        instance_id = d.pop("instance_id")

        name = d.pop("name")

        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        flow_detail = cls(
            definition=definition,
            id=id,
            instance_id=instance_id,
            name=name,
            status=status,
            updated_at=updated_at,
        )

        flow_detail.additional_properties = d
        return flow_detail

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
