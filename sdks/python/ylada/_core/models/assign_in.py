from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AssignIn")


@_attrs_define
class AssignIn:
    """
    Attributes:
        assignee_user_id (int | None): a member of the business, or null
    """

    assignee_user_id: int | None

    def to_dict(self) -> dict[str, Any]:
        assignee_user_id: int | None
        assignee_user_id = self.assignee_user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "assignee_user_id": assignee_user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_assignee_user_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        assignee_user_id = _parse_assignee_user_id(d.pop("assignee_user_id"))

        assign_in = cls(
            assignee_user_id=assignee_user_id,
        )

        return assign_in
