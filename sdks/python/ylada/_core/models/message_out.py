from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_out_direction import MessageOutDirection
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_out_payload import MessageOutPayload


T = TypeVar("T", bound="MessageOut")


@_attrs_define
class MessageOut:
    """
    Attributes:
        author (str): customer | bot | ai | api | broadcast | agent | app (written in the WhatsApp Business app)
        created_at (datetime.datetime):
        direction (MessageOutDirection):
        id (int):
        payload (MessageOutPayload): the message as stored (buttons, media…)
        status (str): in: pending | processed | ignored; out: queued | sending | sent | delivered | read | failed |
            blocked
        type_ (str):
        error (None | str | Unset):
        text (None | str | Unset):
    """

    author: str
    created_at: datetime.datetime
    direction: MessageOutDirection
    id: int
    payload: MessageOutPayload
    status: str
    type_: str
    error: None | str | Unset = UNSET
    text: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author = self.author

        created_at = self.created_at.isoformat()

        direction = self.direction.value

        id = self.id

        payload = self.payload.to_dict()

        status = self.status

        type_ = self.type_

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author": author,
                "created_at": created_at,
                "direction": direction,
                "id": id,
                "payload": payload,
                "status": status,
                "type": type_,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.message_out_payload import MessageOutPayload

        d = dict(src_dict)
        author = d.pop("author")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        direction = MessageOutDirection(d.pop("direction"))

        id = d.pop("id")

        payload = MessageOutPayload.from_dict(d.pop("payload"))

        status = d.pop("status")

        type_ = d.pop("type")

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        message_out = cls(
            author=author,
            created_at=created_at,
            direction=direction,
            id=id,
            payload=payload,
            status=status,
            type_=type_,
            error=error,
            text=text,
        )

        message_out.additional_properties = d
        return message_out

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
