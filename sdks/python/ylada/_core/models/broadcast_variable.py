from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.broadcast_variable_source import BroadcastVariableSource
from ..types import UNSET, Unset

T = TypeVar("T", bound="BroadcastVariable")


@_attrs_define
class BroadcastVariable:
    """
    Attributes:
        source (BroadcastVariableSource): what fills this {{n}}: `name` (the contact's name; "cliente" when unknown),
            `phone`, `field` (the contact field named in `value`; "-" when the contact has none) or `text` (`value` itself)
        value (str | Unset): the field's name (`field`) or the text (`text`) Default: ''.
    """

    source: BroadcastVariableSource
    value: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        source = self.source.value

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "source": source,
            }
        )
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        source = BroadcastVariableSource(d.pop("source"))

        value = d.pop("value", UNSET)

        broadcast_variable = cls(
            source=source,
            value=value,
        )

        return broadcast_variable
