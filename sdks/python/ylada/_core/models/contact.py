from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        opted_in_at (datetime.datetime | None | Unset): when the contact agreed to marketing messages (broadcasts reach
            only these); null: no consent recorded
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
    opted_in_at: datetime.datetime | None | Unset = UNSET
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

        opted_in_at: None | str | Unset
        if isinstance(self.opted_in_at, Unset):
            opted_in_at = UNSET
        elif isinstance(self.opted_in_at, datetime.datetime):
            opted_in_at = self.opted_in_at.isoformat()
        else:
            opted_in_at = self.opted_in_at

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
        if opted_in_at is not UNSET:
            field_dict["opted_in_at"] = opted_in_at

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

        def _parse_opted_in_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opted_in_at_type_0 = datetime.datetime.fromisoformat(data)

                return opted_in_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        opted_in_at = _parse_opted_in_at(d.pop("opted_in_at", UNSET))

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
            opted_in_at=opted_in_at,
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
