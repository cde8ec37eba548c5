from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Conversation")


@_attrs_define
class Conversation:
    """
    Attributes:
        contact_id (int):
        contact_name (str):
        created_at (datetime.datetime):
        id (int):
        instance_id (int):
        phone (str):
        status (str): bot | human (waiting for or with a person) | snoozed | closed (resolved)
        unread (int): customer messages since a person last read it
        assignee_user_id (int | None | Unset):
        last_message_at (datetime.datetime | None | Unset):
        last_message_preview (str | Unset):  Default: ''.
        waiting_since (datetime.datetime | None | Unset): since when the customer waits for a person
    """

    contact_id: int
    contact_name: str
    created_at: datetime.datetime
    id: int
    instance_id: int
    phone: str
    status: str
    unread: int
    assignee_user_id: int | None | Unset = UNSET
    last_message_at: datetime.datetime | None | Unset = UNSET
    last_message_preview: str | Unset = ""
    waiting_since: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contact_id = self.contact_id

        contact_name = self.contact_name

        created_at = self.created_at.isoformat()

        id = self.id

        instance_id = self.instance_id

        phone = self.phone

        status = self.status

        unread = self.unread

        assignee_user_id: int | None | Unset
        if isinstance(self.assignee_user_id, Unset):
            assignee_user_id = UNSET
        else:
            assignee_user_id = self.assignee_user_id

        last_message_at: None | str | Unset
        if isinstance(self.last_message_at, Unset):
            last_message_at = UNSET
        elif isinstance(self.last_message_at, datetime.datetime):
            last_message_at = self.last_message_at.isoformat()
        else:
            last_message_at = self.last_message_at

        last_message_preview = self.last_message_preview

        waiting_since: None | str | Unset
        if isinstance(self.waiting_since, Unset):
            waiting_since = UNSET
        elif isinstance(self.waiting_since, datetime.datetime):
            waiting_since = self.waiting_since.isoformat()
        else:
            waiting_since = self.waiting_since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contact_id": contact_id,
                "contact_name": contact_name,
                "created_at": created_at,
                "id": id,
                "instance_id": instance_id,
                "phone": phone,
                "status": status,
                "unread": unread,
            }
        )
        if assignee_user_id is not UNSET:
            field_dict["assignee_user_id"] = assignee_user_id
        if last_message_at is not UNSET:
            field_dict["last_message_at"] = last_message_at
        if last_message_preview is not UNSET:
            field_dict["last_message_preview"] = last_message_preview
        if waiting_since is not UNSET:
            field_dict["waiting_since"] = waiting_since

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        contact_id = d.pop("contact_id")

        contact_name = d.pop("contact_name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        instance_id = d.pop("instance_id")

        phone = d.pop("phone")

        status = d.pop("status")

        unread = d.pop("unread")

        def _parse_assignee_user_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        assignee_user_id = _parse_assignee_user_id(d.pop("assignee_user_id", UNSET))

        def _parse_last_message_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_message_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_message_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_message_at = _parse_last_message_at(d.pop("last_message_at", UNSET))

        last_message_preview = d.pop("last_message_preview", UNSET)

        def _parse_waiting_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                waiting_since_type_0 = datetime.datetime.fromisoformat(data)

                return waiting_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        waiting_since = _parse_waiting_since(d.pop("waiting_since", UNSET))

        conversation = cls(
            contact_id=contact_id,
            contact_name=contact_name,
            created_at=created_at,
            id=id,
            instance_id=instance_id,
            phone=phone,
            status=status,
            unread=unread,
            assignee_user_id=assignee_user_id,
            last_message_at=last_message_at,
            last_message_preview=last_message_preview,
            waiting_since=waiting_since,
        )

        conversation.additional_properties = d
        return conversation

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
