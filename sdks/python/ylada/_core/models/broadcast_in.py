from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.broadcast_audience import BroadcastAudience
    from ..models.broadcast_variable import BroadcastVariable


T = TypeVar("T", bound="BroadcastIn")


@_attrs_define
class BroadcastIn:
    """
    Attributes:
        instance_id (int): the WhatsApp number that sends it
        name (str): for you only (the contacts never see it)
        template (str): an APPROVED template of that number
        audience (BroadcastAudience | Unset):
        header_media_link (None | str | Unset): the public https link of the header's image, video or document, when the
            template has a media header (required then)
        language (str | Unset):  Default: 'pt_BR'.
        scheduled_at (None | str | Unset): ISO 8601; without an offset it is the business's local time (Brasília unless
            set otherwise); omitted: send now
        up_to_quota (bool | Unset): when the audience is bigger than the messages the plan still allows this month, send
            up to the limit instead of refusing Default: False.
        variables (list[BroadcastVariable] | Unset): one per {{n}} of the template's body, in order
    """

    instance_id: int
    name: str
    template: str
    audience: BroadcastAudience | Unset = UNSET
    header_media_link: None | str | Unset = UNSET
    language: str | Unset = "pt_BR"
    scheduled_at: None | str | Unset = UNSET
    up_to_quota: bool | Unset = False
    variables: list[BroadcastVariable] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        instance_id = self.instance_id

        name = self.name

        template = self.template

        audience: dict[str, Any] | Unset = UNSET
        if not isinstance(self.audience, Unset):
            audience = self.audience.to_dict()

        header_media_link: None | str | Unset
        if isinstance(self.header_media_link, Unset):
            header_media_link = UNSET
        else:
            header_media_link = self.header_media_link

        language = self.language

        scheduled_at: None | str | Unset
        if isinstance(self.scheduled_at, Unset):
            scheduled_at = UNSET
        else:
            scheduled_at = self.scheduled_at

        up_to_quota = self.up_to_quota

        variables: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = []
            for variables_item_data in self.variables:
                variables_item = variables_item_data.to_dict()
                variables.append(variables_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instance_id": instance_id,
                "name": name,
                "template": template,
            }
        )
        if audience is not UNSET:
            field_dict["audience"] = audience
        if header_media_link is not UNSET:
            field_dict["header_media_link"] = header_media_link
        if language is not UNSET:
            field_dict["language"] = language
        if scheduled_at is not UNSET:
            field_dict["scheduled_at"] = scheduled_at
        if up_to_quota is not UNSET:
            field_dict["up_to_quota"] = up_to_quota
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.broadcast_audience import BroadcastAudience
        from ..models.broadcast_variable import BroadcastVariable

        d = dict(src_dict)
        instance_id = d.pop("instance_id")

        name = d.pop("name")

        template = d.pop("template")

        _audience = d.pop("audience", UNSET)
        audience: BroadcastAudience | Unset
        if isinstance(_audience, Unset):
            audience = UNSET
        else:
            audience = BroadcastAudience.from_dict(_audience)

        def _parse_header_media_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header_media_link = _parse_header_media_link(d.pop("header_media_link", UNSET))

        language = d.pop("language", UNSET)

        def _parse_scheduled_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_at = _parse_scheduled_at(d.pop("scheduled_at", UNSET))

        up_to_quota = d.pop("up_to_quota", UNSET)

        _variables = d.pop("variables", UNSET)
        variables: list[BroadcastVariable] | Unset = UNSET
        if _variables is not UNSET:
            variables = []
            for variables_item_data in _variables:
                variables_item = BroadcastVariable.from_dict(variables_item_data)

                variables.append(variables_item)

        broadcast_in = cls(
            instance_id=instance_id,
            name=name,
            template=template,
            audience=audience,
            header_media_link=header_media_link,
            language=language,
            scheduled_at=scheduled_at,
            up_to_quota=up_to_quota,
            variables=variables,
        )

        return broadcast_in
