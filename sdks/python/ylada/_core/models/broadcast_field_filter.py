from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.broadcast_field_filter_op import BroadcastFieldFilterOp
from ..types import UNSET, Unset

T = TypeVar("T", bound="BroadcastFieldFilter")


@_attrs_define
class BroadcastFieldFilter:
    """
    Attributes:
        name (str): a contact field's name
        value (str):
        op (BroadcastFieldFilterOp | Unset): equal to, or containing, `value` (any case) Default:
            BroadcastFieldFilterOp.EQUALS.
    """

    name: str
    value: str
    op: BroadcastFieldFilterOp | Unset = BroadcastFieldFilterOp.EQUALS

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        op: str | Unset = UNSET
        if not isinstance(self.op, Unset):
            op = self.op.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "value": value,
            }
        )
        if op is not UNSET:
            field_dict["op"] = op

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        value = d.pop("value")

        _op = d.pop("op", UNSET)
        op: BroadcastFieldFilterOp | Unset
        if isinstance(_op, Unset):
            op = UNSET
        else:
            op = BroadcastFieldFilterOp(_op)

        broadcast_field_filter = cls(
            name=name,
            value=value,
            op=op,
        )

        return broadcast_field_filter
