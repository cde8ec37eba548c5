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

from ..types import UNSET, Unset

T = TypeVar("T", bound="TemplateMessage")


@_attrs_define
class TemplateMessage:
    """
    Attributes:
        contact_id (int):
        template (str): an APPROVED template of the contact's number
        type_ (Literal['template']):
        header_media_link (None | str | Unset): the public https link of the header's image, video or document, when the
            template has a media header (required then)
        header_variables (list[str] | Unset): the header's {{1}}, if it has one
        language (str | Unset):  Default: 'pt_BR'.
        variables (list[str] | Unset): the body's {{1}}, {{2}}, … in order
    """

    contact_id: int
    template: str
    type_: Literal["template"]
    header_media_link: None | str | Unset = UNSET
    header_variables: list[str] | Unset = UNSET
    language: str | Unset = "pt_BR"
    variables: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        contact_id = self.contact_id

        template = self.template

        type_ = self.type_

        header_media_link: None | str | Unset
        if isinstance(self.header_media_link, Unset):
            header_media_link = UNSET
        else:
            header_media_link = self.header_media_link

        header_variables: list[str] | Unset = UNSET
        if not isinstance(self.header_variables, Unset):
            header_variables = self.header_variables

        language = self.language

        variables: list[str] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact_id": contact_id,
                "template": template,
                "type": type_,
            }
        )
        if header_media_link is not UNSET:
            field_dict["header_media_link"] = header_media_link
        if header_variables is not UNSET:
            field_dict["header_variables"] = header_variables
        if language is not UNSET:
            field_dict["language"] = language
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        contact_id = d.pop("contact_id")

        template = d.pop("template")

        type_ = cast(Literal["template"], d.pop("type"))
        if type_ != "template":
            raise ValueError(f"type must match const 'template', got '{type_}'")

        def _parse_header_media_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header_media_link = _parse_header_media_link(d.pop("header_media_link", UNSET))

        header_variables = cast(list[str], d.pop("header_variables", UNSET))

        language = d.pop("language", UNSET)

        variables = cast(list[str], d.pop("variables", UNSET))

        template_message = cls(
            contact_id=contact_id,
            template=template,
            type_=type_,
            header_media_link=header_media_link,
            header_variables=header_variables,
            language=language,
            variables=variables,
        )

        return template_message
