from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.broadcast_audience_active_days_type_0 import (
    BroadcastAudienceActiveDaysType0,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.broadcast_field_filter import BroadcastFieldFilter


T = TypeVar("T", bound="BroadcastAudience")


@_attrs_define
class BroadcastAudience:
    """
    Attributes:
        active_days (BroadcastAudienceActiveDaysType0 | None | Unset): only contacts who wrote within the last N days
        fields (list[BroadcastFieldFilter] | Unset): contact fields (all must match)
        tags (list[str] | Unset): contacts with any of these tags; empty: every contact who consented
    """

    active_days: BroadcastAudienceActiveDaysType0 | None | Unset = UNSET
    fields: list[BroadcastFieldFilter] | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active_days: int | None | Unset
        if isinstance(self.active_days, Unset):
            active_days = UNSET
        elif isinstance(self.active_days, BroadcastAudienceActiveDaysType0):
            active_days = self.active_days.value
        else:
            active_days = self.active_days

        fields: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = []
            for fields_item_data in self.fields:
                fields_item = fields_item_data.to_dict()
                fields.append(fields_item)

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active_days is not UNSET:
            field_dict["active_days"] = active_days
        if fields is not UNSET:
            field_dict["fields"] = fields
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.broadcast_field_filter import BroadcastFieldFilter

        d = dict(src_dict)

        def _parse_active_days(
            data: object,
        ) -> BroadcastAudienceActiveDaysType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, int):
                    raise TypeError()
                active_days_type_0 = BroadcastAudienceActiveDaysType0(data)

                return active_days_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BroadcastAudienceActiveDaysType0 | None | Unset, data)

        active_days = _parse_active_days(d.pop("active_days", UNSET))

        _fields = d.pop("fields", UNSET)
        fields: list[BroadcastFieldFilter] | Unset = UNSET
        if _fields is not UNSET:
            fields = []
            for fields_item_data in _fields:
                fields_item = BroadcastFieldFilter.from_dict(fields_item_data)

                fields.append(fields_item)

        tags = cast(list[str], d.pop("tags", UNSET))

        broadcast_audience = cls(
            active_days=active_days,
            fields=fields,
            tags=tags,
        )

        return broadcast_audience
