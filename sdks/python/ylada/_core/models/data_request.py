from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DataRequest")


@_attrs_define
class DataRequest:
    """
    Attributes:
        contact_id (int | None): null if the contact row no longer exists
        created_at (datetime.datetime):
        due_at (datetime.datetime): the legal deadline (15 days after the request)
        id (int):
        kind (str): export | erase | correct
        overdue (bool): still open past its deadline
        progress (int): 0–100
        source (str): contact_page | api | whatsapp
        status (str): pending | running | done | failed
        done_at (datetime.datetime | None | Unset):
        download_url (None | str | Unset): export done: GET it with the same key (a ZIP); valid for 7 days after it was
            built
    """

    contact_id: int | None
    created_at: datetime.datetime
    due_at: datetime.datetime
    id: int
    kind: str
    overdue: bool
    progress: int
    source: str
    status: str
    done_at: datetime.datetime | None | Unset = UNSET
    download_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contact_id: int | None
        contact_id = self.contact_id

        created_at = self.created_at.isoformat()

        due_at = self.due_at.isoformat()

        id = self.id

        kind = self.kind

        overdue = self.overdue

        progress = self.progress

        source = self.source

        status = self.status

        done_at: None | str | Unset
        if isinstance(self.done_at, Unset):
            done_at = UNSET
        elif isinstance(self.done_at, datetime.datetime):
            done_at = self.done_at.isoformat()
        else:
            done_at = self.done_at

        download_url: None | str | Unset
        if isinstance(self.download_url, Unset):
            download_url = UNSET
        else:
            download_url = self.download_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contact_id": contact_id,
                "created_at": created_at,
                "due_at": due_at,
                "id": id,
                "kind": kind,
                "overdue": overdue,
                "progress": progress,
                "source": source,
                "status": status,
            }
        )
        if done_at is not UNSET:
            field_dict["done_at"] = done_at
        if download_url is not UNSET:
            field_dict["download_url"] = download_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_contact_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        contact_id = _parse_contact_id(d.pop("contact_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        id = d.pop("id")

        kind = d.pop("kind")

        overdue = d.pop("overdue")

        progress = d.pop("progress")

        source = d.pop("source")

        status = d.pop("status")

        def _parse_done_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                done_at_type_0 = datetime.datetime.fromisoformat(data)

                return done_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        done_at = _parse_done_at(d.pop("done_at", UNSET))

        def _parse_download_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        download_url = _parse_download_url(d.pop("download_url", UNSET))

        data_request = cls(
            contact_id=contact_id,
            created_at=created_at,
            due_at=due_at,
            id=id,
            kind=kind,
            overdue=overdue,
            progress=progress,
            source=source,
            status=status,
            done_at=done_at,
            download_url=download_url,
        )

        data_request.additional_properties = d
        return data_request

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
