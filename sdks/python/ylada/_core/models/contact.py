from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.contact_fields import ContactFields


T = TypeVar("T", bound="Contact")


@_attrs_define
class Contact:
    """
    Attributes:
        created_at (datetime.datetime):
        fields (ContactFields):
        id (int):
        instance_id (int):
        name (str):
        opted_out (bool): asked not to receive messages
        phone (str): E.164 digits, as WhatsApp uses them
        tags (list[str]):
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    fields: ContactFields
    id: int
    instance_id: int
    name: str
    opted_out: bool
    phone: str
    tags: list[str]
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        fields = self.fields.to_dict()

        id = self.id

        instance_id = self.instance_id

        name = self.name

        opted_out = self.opted_out

        phone = self.phone

        tags = self.tags

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "fields": fields,
                "id": id,
                "instance_id": instance_id,
                "name": name,
                "opted_out": opted_out,
                "phone": phone,
                "tags": tags,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_fields import ContactFields

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fields = ContactFields.from_dict(d.pop("fields"))

        id = d.pop("id")

        instance_id = d.pop("instance_id")

        name = d.pop("name")

        opted_out = d.pop("opted_out")

        phone = d.pop("phone")

        tags = cast(list[str], d.pop("tags"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        contact = cls(
            created_at=created_at,
            fields=fields,
            id=id,
            instance_id=instance_id,
            name=name,
            opted_out=opted_out,
            phone=phone,
            tags=tags,
            updated_at=updated_at,
        )

        contact.additional_properties = d
        return contact

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
