from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BroadcastEstimate")


@_attrs_define
class BroadcastEstimate:
    """
    Attributes:
        category (str): the template's category
        cost_cents (int): Meta's estimated cost, BRL centavos (0 on the simulator)
        messages_left (int): messages the plan still allows this month
        recipients (int): contacts in the audience now
    """

    category: str
    cost_cents: int
    messages_left: int
    recipients: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        cost_cents = self.cost_cents

        messages_left = self.messages_left

        recipients = self.recipients

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "cost_cents": cost_cents,
                "messages_left": messages_left,
                "recipients": recipients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        category = d.pop("category")

        cost_cents = d.pop("cost_cents")

        messages_left = d.pop("messages_left")

        recipients = d.pop("recipients")

        broadcast_estimate = cls(
            category=category,
            cost_cents=cost_cents,
            messages_left=messages_left,
            recipients=recipients,
        )

        broadcast_estimate.additional_properties = d
        return broadcast_estimate

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
