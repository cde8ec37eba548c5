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

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.button import Button


T = TypeVar("T", bound="ButtonsMessage")


@_attrs_define
class ButtonsMessage:
    """
    Attributes:
        buttons (list[Button]): ids and titles must be unique
        contact_id (int):
        text (str): the message above the buttons
        type_ (Literal['buttons']):
        footer (None | str | Unset):
        header (None | str | Unset):
    """

    buttons: list[Button]
    contact_id: int
    text: str
    type_: Literal["buttons"]
    footer: None | str | Unset = UNSET
    header: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        buttons = []
        for buttons_item_data in self.buttons:
            buttons_item = buttons_item_data.to_dict()
            buttons.append(buttons_item)

        contact_id = self.contact_id

        text = self.text

        type_ = self.type_

        footer: None | str | Unset
        if isinstance(self.footer, Unset):
            footer = UNSET
        else:
            footer = self.footer

        header: None | str | Unset
        if isinstance(self.header, Unset):
            header = UNSET
        else:
            header = self.header

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "buttons": buttons,
                "contact_id": contact_id,
                "text": text,
                "type": type_,
            }
        )
        if footer is not UNSET:
            field_dict["footer"] = footer
        if header is not UNSET:
            field_dict["header"] = header

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.button import Button

        d = dict(src_dict)
        buttons = []
        _buttons = d.pop("buttons")
        for buttons_item_data in _buttons:
            buttons_item = Button.from_dict(buttons_item_data)

            buttons.append(buttons_item)

        contact_id = d.pop("contact_id")

        text = d.pop("text")

        type_ = cast(Literal["buttons"], d.pop("type"))
        if type_ != "buttons":
            raise ValueError(f"type must match const 'buttons', got '{type_}'")

        def _parse_footer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        footer = _parse_footer(d.pop("footer", UNSET))

        def _parse_header(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header = _parse_header(d.pop("header", UNSET))

        buttons_message = cls(
            buttons=buttons,
            contact_id=contact_id,
            text=text,
            type_=type_,
            footer=footer,
            header=header,
        )

        return buttons_message
