from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.media import Media


T = TypeVar("T", bound="MediaMessage")


@_attrs_define
class MediaMessage:
    """
    Attributes:
        contact_id (int):
        media (Media):
        type_ (Literal['media']):
    """

    contact_id: int
    media: Media
    type_: Literal["media"]

    def to_dict(self) -> dict[str, Any]:
        contact_id = self.contact_id

        media = self.media.to_dict()

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact_id": contact_id,
                "media": media,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.media import Media

        d = dict(src_dict)
        contact_id = d.pop("contact_id")

        media = Media.from_dict(d.pop("media"))

        type_ = cast(Literal["media"], d.pop("type"))
        if type_ != "media":
            raise ValueError(f"type must match const 'media', got '{type_}'")

        media_message = cls(
            contact_id=contact_id,
            media=media,
            type_=type_,
        )

        return media_message
