from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.broadcast_status import BroadcastStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.broadcast_audience import BroadcastAudience
    from ..models.broadcast_progress import BroadcastProgress
    from ..models.broadcast_variable import BroadcastVariable


T = TypeVar("T", bound="Broadcast")


@_attrs_define
class Broadcast:
    """
    Attributes:
        audience (BroadcastAudience):
        category (str):
        created_at (datetime.datetime):
        estimated_cost_cents (int): Meta's estimated cost, BRL centavos
        id (int):
        instance_id (int):
        language (str):
        name (str):
        progress (BroadcastProgress):
        scheduled_at (datetime.datetime):
        status (BroadcastStatus): scheduled → sending → done; or cancelled, or stopped (see stop_reason)
        template (str):
        variables (list[BroadcastVariable]):
        finished_at (datetime.datetime | None | Unset):
        header_media_link (None | str | Unset): the link its media header is sent with, if any
        resumes_at (datetime.datetime | None | Unset): while waiting for the number's 24-hour limit: when it goes on
        started_at (datetime.datetime | None | Unset):
        stop_reason (None | str | Unset): why it stopped or waits: inbox.quota_over (the plan's messages ran out), a
            template code (Meta paused or disabled it), broadcasts.tier_cap (still sending: the number's 24-hour limit was
            reached)
    """

    audience: BroadcastAudience
    category: str
    created_at: datetime.datetime
    estimated_cost_cents: int
    id: int
    instance_id: int
    language: str
    name: str
    progress: BroadcastProgress
    scheduled_at: datetime.datetime
    status: BroadcastStatus
    template: str
    variables: list[BroadcastVariable]
    finished_at: datetime.datetime | None | Unset = UNSET
    header_media_link: None | str | Unset = UNSET
    resumes_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    stop_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        audience = self.audience.to_dict()

        category = self.category

        created_at = self.created_at.isoformat()

        estimated_cost_cents = self.estimated_cost_cents

        id = self.id

        instance_id = self.instance_id

        language = self.language

        name = self.name

        progress = self.progress.to_dict()

        scheduled_at = self.scheduled_at.isoformat()

        status = self.status.value

        template = self.template

        variables = []
        for variables_item_data in self.variables:
            variables_item = variables_item_data.to_dict()
            variables.append(variables_item)

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        header_media_link: None | str | Unset
        if isinstance(self.header_media_link, Unset):
            header_media_link = UNSET
        else:
            header_media_link = self.header_media_link

        resumes_at: None | str | Unset
        if isinstance(self.resumes_at, Unset):
            resumes_at = UNSET
        elif isinstance(self.resumes_at, datetime.datetime):
            resumes_at = self.resumes_at.isoformat()
        else:
            resumes_at = self.resumes_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        stop_reason: None | str | Unset
        if isinstance(self.stop_reason, Unset):
            stop_reason = UNSET
        else:
            stop_reason = self.stop_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audience": audience,
                "category": category,
                "created_at": created_at,
                "estimated_cost_cents": estimated_cost_cents,
                "id": id,
                "instance_id": instance_id,
                "language": language,
                "name": name,
                "progress": progress,
                "scheduled_at": scheduled_at,
                "status": status,
                "template": template,
                "variables": variables,
            }
        )
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if header_media_link is not UNSET:
            field_dict["header_media_link"] = header_media_link
        if resumes_at is not UNSET:
            field_dict["resumes_at"] = resumes_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if stop_reason is not UNSET:
            field_dict["stop_reason"] = stop_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.broadcast_audience import BroadcastAudience
        from ..models.broadcast_progress import BroadcastProgress
        from ..models.broadcast_variable import BroadcastVariable

        d = dict(src_dict)
        audience = BroadcastAudience.from_dict(d.pop("audience"))

        category = d.pop("category")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        estimated_cost_cents = d.pop("estimated_cost_cents")

        id = d.pop("id")

        instance_id = d.pop("instance_id")

        language = d.pop("language")

        name = d.pop("name")

        progress = BroadcastProgress.from_dict(d.pop("progress"))

        scheduled_at = datetime.datetime.fromisoformat(d.pop("scheduled_at"))

        status = BroadcastStatus(d.pop("status"))

        template = d.pop("template")

        variables = []
        _variables = d.pop("variables")
        for variables_item_data in _variables:
            variables_item = BroadcastVariable.from_dict(variables_item_data)

            variables.append(variables_item)

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_header_media_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header_media_link = _parse_header_media_link(d.pop("header_media_link", UNSET))

        def _parse_resumes_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resumes_at_type_0 = datetime.datetime.fromisoformat(data)

                return resumes_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        resumes_at = _parse_resumes_at(d.pop("resumes_at", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_stop_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stop_reason = _parse_stop_reason(d.pop("stop_reason", UNSET))

        broadcast = cls(
            audience=audience,
            category=category,
            created_at=created_at,
            estimated_cost_cents=estimated_cost_cents,
            id=id,
            instance_id=instance_id,
            language=language,
            name=name,
            progress=progress,
            scheduled_at=scheduled_at,
            status=status,
            template=template,
            variables=variables,
            finished_at=finished_at,
            header_media_link=header_media_link,
            resumes_at=resumes_at,
            started_at=started_at,
            stop_reason=stop_reason,
        )

        broadcast.additional_properties = d
        return broadcast

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
