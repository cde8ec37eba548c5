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
    from ..models.section import Section


T = TypeVar("T", bound="ListMessage")


@_attrs_define
class ListMessage:
    """
    Attributes:
        contact_id (int):
        sections (list[Section]): up to 10 rows in all; ids unique
        text (str):
        type_ (Literal['list']):
        button_label (None | str | Unset): the button that opens the list
        footer (None | str | Unset):
        header (None | str | Unset):
    """

    contact_id: int
    sections: list[Section]
    text: str
    type_: Literal["list"]
    button_label: None | str | Unset = UNSET
    footer: None | str | Unset = UNSET
    header: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        contact_id = self.contact_id

        sections = []
        for sections_item_data in self.sections:
            sections_item = sections_item_data.to_dict()
            sections.append(sections_item)

        text = self.text

        type_ = self.type_

        button_label: None | str | Unset
        if isinstance(self.button_label, Unset):
            button_label = UNSET
        else:
            button_label = self.button_label

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
                "contact_id": contact_id,
                "sections": sections,
                "text": text,
                "type": type_,
            }
        )
        if button_label is not UNSET:
            field_dict["button_label"] = button_label
        if footer is not UNSET:
            field_dict["footer"] = footer
        if header is not UNSET:
            field_dict["header"] = header

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.section import Section

        d = dict(src_dict)
        contact_id = d.pop("contact_id")

        sections = []
        _sections = d.pop("sections")
        for sections_item_data in _sections:
            sections_item = Section.from_dict(sections_item_data)

            sections.append(sections_item)

        text = d.pop("text")

        type_ = cast(Literal["list"], d.pop("type"))
        if type_ != "list":
            raise ValueError(f"type must match const 'list', got '{type_}'")

        def _parse_button_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        button_label = _parse_button_label(d.pop("button_label", UNSET))

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

        list_message = cls(
            contact_id=contact_id,
            sections=sections,
            text=text,
            type_=type_,
            button_label=button_label,
            footer=footer,
            header=header,
        )

        return list_message
