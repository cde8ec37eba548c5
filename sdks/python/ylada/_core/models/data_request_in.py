from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.data_request_in_kind import DataRequestInKind

T = TypeVar("T", bound="DataRequestIn")


@_attrs_define
class DataRequestIn:
    """An LGPD data subject request for one contact.

    Attributes:
        kind (DataRequestInKind): export: a ZIP with everything about the contact · erase: their personal data
            anonymised everywhere (irreversible)
    """

    kind: DataRequestInKind

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = DataRequestInKind(d.pop("kind"))

        data_request_in = cls(
            kind=kind,
        )

        return data_request_in
