from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_counts import UsageCounts


T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """
    Attributes:
        ai_tokens (int): this business's own (see `plan_usage`)
        ai_tokens_limit (int):
        messages_blocked (int): replies withheld: the monthly quota was used up
        messages_in (int): this business's own (see `plan_usage`)
        messages_limit (int):
        messages_out (int): this business's own (see `plan_usage`)
        month (str):
        plan (str):
        plan_usage (UsageCounts):
        shared_plan (bool): true when the plan is an agency's, shared by the agency and its client businesses: the
            limits then count the whole group (`plan_usage`)
    """

    ai_tokens: int
    ai_tokens_limit: int
    messages_blocked: int
    messages_in: int
    messages_limit: int
    messages_out: int
    month: str
    plan: str
    plan_usage: UsageCounts
    shared_plan: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ai_tokens = self.ai_tokens

        ai_tokens_limit = self.ai_tokens_limit

        messages_blocked = self.messages_blocked

        messages_in = self.messages_in

        messages_limit = self.messages_limit

        messages_out = self.messages_out

        month = self.month

        plan = self.plan

        plan_usage = self.plan_usage.to_dict()

        shared_plan = self.shared_plan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ai_tokens": ai_tokens,
                "ai_tokens_limit": ai_tokens_limit,
                "messages_blocked": messages_blocked,
                "messages_in": messages_in,
                "messages_limit": messages_limit,
                "messages_out": messages_out,
                "month": month,
                "plan": plan,
                "plan_usage": plan_usage,
                "shared_plan": shared_plan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.usage_counts import UsageCounts

        d = dict(src_dict)
        ai_tokens = d.pop("ai_tokens")

        ai_tokens_limit = d.pop("ai_tokens_limit")

        messages_blocked = d.pop("messages_blocked")

        messages_in = d.pop("messages_in")

        messages_limit = d.pop("messages_limit")

        messages_out = d.pop("messages_out")

        month = d.pop("month")

        plan = d.pop("plan")

        plan_usage = UsageCounts.from_dict(d.pop("plan_usage"))

        shared_plan = d.pop("shared_plan")

        usage = cls(
            ai_tokens=ai_tokens,
            ai_tokens_limit=ai_tokens_limit,
            messages_blocked=messages_blocked,
            messages_in=messages_in,
            messages_limit=messages_limit,
            messages_out=messages_out,
            month=month,
            plan=plan,
            plan_usage=plan_usage,
            shared_plan=shared_plan,
        )

        usage.additional_properties = d
        return usage

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
