from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReturnToBotIn")


@_attrs_define
class ReturnToBotIn:
    """
    Attributes:
        flow_id (int | None | Unset): start this active flow; without it the bot resumes after the hand-off
    """

    flow_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        flow_id: int | None | Unset
        if isinstance(self.flow_id, Unset):
            flow_id = UNSET
        else:
            flow_id = self.flow_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if flow_id is not UNSET:
            field_dict["flow_id"] = flow_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_flow_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        flow_id = _parse_flow_id(d.pop("flow_id", UNSET))

        return_to_bot_in = cls(
            flow_id=flow_id,
        )

        return return_to_bot_in
