from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BroadcastProgress")


@_attrs_define
class BroadcastProgress:
    """
    Attributes:
        delivered (int):
        failed (int):
        queued (int): waiting to go out
        read (int):
        replied (int): recipients who wrote after the message
        sent (int):
        skipped (int): left out while sending (opted out since, the weekly marketing cap, the plan's quota)
        total (int): the audience (or what was taken, when more)
    """

    delivered: int
    failed: int
    queued: int
    read: int
    replied: int
    sent: int
    skipped: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivered = self.delivered

        failed = self.failed

        queued = self.queued

        read = self.read

        replied = self.replied

        sent = self.sent

        skipped = self.skipped

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivered": delivered,
                "failed": failed,
                "queued": queued,
                "read": read,
                "replied": replied,
                "sent": sent,
                "skipped": skipped,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        delivered = d.pop("delivered")

        failed = d.pop("failed")

        queued = d.pop("queued")

        read = d.pop("read")

        replied = d.pop("replied")

        sent = d.pop("sent")

        skipped = d.pop("skipped")

        total = d.pop("total")

        broadcast_progress = cls(
            delivered=delivered,
            failed=failed,
            queued=queued,
            read=read,
            replied=replied,
            sent=sent,
            skipped=skipped,
            total=total,
        )

        broadcast_progress.additional_properties = d
        return broadcast_progress

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
