from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

T = TypeVar("T", bound="TextMessage")


@_attrs_define
class TextMessage:
    """
    Attributes:
        contact_id (int):
        text (str):
        type_ (Literal['text']):
    """

    contact_id: int
    text: str
    type_: Literal["text"]

    def to_dict(self) -> dict[str, Any]:
        contact_id = self.contact_id

        text = self.text

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact_id": contact_id,
                "text": text,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        contact_id = d.pop("contact_id")

        text = d.pop("text")

        type_ = cast(Literal["text"], d.pop("type"))
        if type_ != "text":
            raise ValueError(f"type must match const 'text', got '{type_}'")

        text_message = cls(
            contact_id=contact_id,
            text=text,
            type_=type_,
        )

        return text_message
