from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact_upsert_fields_type_0 import ContactUpsertFieldsType0


T = TypeVar("T", bound="ContactUpsert")


@_attrs_define
class ContactUpsert:
    """
    Attributes:
        instance_id (int): the WhatsApp number the contact belongs to
        phone (str): any usual format; Brazilian numbers with or without the 9
        fields (ContactUpsertFieldsType0 | None | Unset): merged into the contact's fields; null removes one
        name (None | str | Unset):
        opted_in (bool | None | Unset): true records the contact's consent to marketing messages (source: api); false
            withdraws it
        opted_out (bool | None | Unset):
        tags (list[str] | None | Unset): replaces the contact's tags
    """

    instance_id: int
    phone: str
    fields: ContactUpsertFieldsType0 | None | Unset = UNSET
    name: None | str | Unset = UNSET
    opted_in: bool | None | Unset = UNSET
    opted_out: bool | None | Unset = UNSET
    tags: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_upsert_fields_type_0 import ContactUpsertFieldsType0

        instance_id = self.instance_id

        phone = self.phone

        fields: dict[str, Any] | None | Unset
        if isinstance(self.fields, Unset):
            fields = UNSET
        elif isinstance(self.fields, ContactUpsertFieldsType0):
            fields = self.fields.to_dict()
        else:
            fields = self.fields

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        opted_in: bool | None | Unset
        if isinstance(self.opted_in, Unset):
            opted_in = UNSET
        else:
            opted_in = self.opted_in

        opted_out: bool | None | Unset
        if isinstance(self.opted_out, Unset):
            opted_out = UNSET
        else:
            opted_out = self.opted_out

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instance_id": instance_id,
                "phone": phone,
            }
        )
        if fields is not UNSET:
            field_dict["fields"] = fields
        if name is not UNSET:
            field_dict["name"] = name
        if opted_in is not UNSET:
            field_dict["opted_in"] = opted_in
        if opted_out is not UNSET:
            field_dict["opted_out"] = opted_out
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_upsert_fields_type_0 import ContactUpsertFieldsType0

        d = dict(src_dict)
        instance_id = d.pop("instance_id")

        phone = d.pop("phone")

        def _parse_fields(data: object) -> ContactUpsertFieldsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fields_type_0 = ContactUpsertFieldsType0.from_dict(data)

                return fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactUpsertFieldsType0 | None | Unset, data)

        fields = _parse_fields(d.pop("fields", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_opted_in(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        opted_in = _parse_opted_in(d.pop("opted_in", UNSET))

        def _parse_opted_out(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        opted_out = _parse_opted_out(d.pop("opted_out", UNSET))

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        contact_upsert = cls(
            instance_id=instance_id,
            phone=phone,
            fields=fields,
            name=name,
            opted_in=opted_in,
            opted_out=opted_out,
            tags=tags,
        )

        return contact_upsert
