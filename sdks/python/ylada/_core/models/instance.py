from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Instance")


@_attrs_define
class Instance:
    """
    Attributes:
        channel (str): whatsapp_cloud | simulator
        created_at (datetime.datetime):
        id (int):
        name (str):
        status (str): draft | connected | error | disabled
        display_number (None | str | Unset):
        last_checked_at (datetime.datetime | None | Unset):
        verified_name (None | str | Unset):
    """

    channel: str
    created_at: datetime.datetime
    id: int
    name: str
    status: str
    display_number: None | str | Unset = UNSET
    last_checked_at: datetime.datetime | None | Unset = UNSET
    verified_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        status = self.status

        display_number: None | str | Unset
        if isinstance(self.display_number, Unset):
            display_number = UNSET
        else:
            display_number = self.display_number

        last_checked_at: None | str | Unset
        if isinstance(self.last_checked_at, Unset):
            last_checked_at = UNSET
        elif isinstance(self.last_checked_at, datetime.datetime):
            last_checked_at = self.last_checked_at.isoformat()
        else:
            last_checked_at = self.last_checked_at

        verified_name: None | str | Unset
        if isinstance(self.verified_name, Unset):
            verified_name = UNSET
        else:
            verified_name = self.verified_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channel": channel,
                "created_at": created_at,
                "id": id,
                "name": name,
                "status": status,
            }
        )
        if display_number is not UNSET:
            field_dict["display_number"] = display_number
        if last_checked_at is not UNSET:
            field_dict["last_checked_at"] = last_checked_at
        if verified_name is not UNSET:
            field_dict["verified_name"] = verified_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        channel = d.pop("channel")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        name = d.pop("name")

        status = d.pop("status")

        def _parse_display_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_number = _parse_display_number(d.pop("display_number", UNSET))

        def _parse_last_checked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_checked_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_checked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_checked_at = _parse_last_checked_at(d.pop("last_checked_at", UNSET))

        def _parse_verified_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verified_name = _parse_verified_name(d.pop("verified_name", UNSET))

        instance = cls(
            channel=channel,
            created_at=created_at,
            id=id,
            name=name,
            status=status,
            display_number=display_number,
            last_checked_at=last_checked_at,
            verified_name=verified_name,
        )

        instance.additional_properties = d
        return instance

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
