from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageCounts")


@_attrs_define
class UsageCounts:
    """
    Attributes:
        ai_tokens (int):
        messages_blocked (int): replies withheld: the monthly quota was used up
        messages_in (int):
        messages_out (int):
    """

    ai_tokens: int
    messages_blocked: int
    messages_in: int
    messages_out: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ai_tokens = self.ai_tokens

        messages_blocked = self.messages_blocked

        messages_in = self.messages_in

        messages_out = self.messages_out

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ai_tokens": ai_tokens,
                "messages_blocked": messages_blocked,
                "messages_in": messages_in,
                "messages_out": messages_out,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ai_tokens = d.pop("ai_tokens")

        messages_blocked = d.pop("messages_blocked")

        messages_in = d.pop("messages_in")

        messages_out = d.pop("messages_out")

        usage_counts = cls(
            ai_tokens=ai_tokens,
            messages_blocked=messages_blocked,
            messages_in=messages_in,
            messages_out=messages_out,
        )

        usage_counts.additional_properties = d
        return usage_counts

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
