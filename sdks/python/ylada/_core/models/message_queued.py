from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MessageQueued")


@_attrs_define
class MessageQueued:
    """
    Attributes:
        conversation_id (int):
        id (int): the message's id
        status (Literal['queued'] | Unset):  Default: 'queued'.
    """

    conversation_id: int
    id: int
    status: Literal["queued"] | Unset = "queued"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        conversation_id = self.conversation_id

        id = self.id

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "conversation_id": conversation_id,
                "id": id,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        conversation_id = d.pop("conversation_id")

        id = d.pop("id")

        status = cast(Literal["queued"] | Unset, d.pop("status", UNSET))
        if status != "queued" and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'queued', got '{status}'")

        message_queued = cls(
            conversation_id=conversation_id,
            id=id,
            status=status,
        )

        message_queued.additional_properties = d
        return message_queued

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
