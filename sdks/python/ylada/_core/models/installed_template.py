from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InstalledTemplate")


@_attrs_define
class InstalledTemplate:
    """
    Attributes:
        flow_id (int | None):
        id (int):
        installed_at (datetime.datetime):
        instance_id (int):
        latest_version (int):
        template_name (str):
        template_slug (str):
        update_available (bool):
        version (int):
    """

    flow_id: int | None
    id: int
    installed_at: datetime.datetime
    instance_id: int
    latest_version: int
    template_name: str
    template_slug: str
    update_available: bool
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        flow_id: int | None
        flow_id = self.flow_id

        id = self.id

        installed_at = self.installed_at.isoformat()

        instance_id = self.instance_id

        latest_version = self.latest_version

        template_name = self.template_name

        template_slug = self.template_slug

        update_available = self.update_available

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "flow_id": flow_id,
                "id": id,
                "installed_at": installed_at,
                "instance_id": instance_id,
                "latest_version": latest_version,
                "template_name": template_name,
                "template_slug": template_slug,
                "update_available": update_available,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_flow_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        flow_id = _parse_flow_id(d.pop("flow_id"))

        id = d.pop("id")

        installed_at = datetime.datetime.fromisoformat(d.pop("installed_at"))

        instance_id = d.pop("instance_id")

        latest_version = d.pop("latest_version")

        template_name = d.pop("template_name")

        template_slug = d.pop("template_slug")

        update_available = d.pop("update_available")

        version = d.pop("version")

        installed_template = cls(
            flow_id=flow_id,
            id=id,
            installed_at=installed_at,
            instance_id=instance_id,
            latest_version=latest_version,
            template_name=template_name,
            template_slug=template_slug,
            update_available=update_available,
            version=version,
        )

        installed_template.additional_properties = d
        return installed_template

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
