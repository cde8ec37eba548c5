from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.consent_record_legal_basis import ConsentRecordLegalBasis
from ..models.consent_record_purpose import ConsentRecordPurpose

if TYPE_CHECKING:
    from ..models.consent_record_evidence import ConsentRecordEvidence


T = TypeVar("T", bound="ConsentRecord")


@_attrs_define
class ConsentRecord:
    """One grant or revocation (records are only ever added: the latest per purpose stands).

    Attributes:
        created_at (datetime.datetime):
        evidence (ConsentRecordEvidence): what backs it: the WhatsApp message id (wamid), the user, the API key or the
            imported file
        granted (bool): true: given; false: taken back
        legal_basis (ConsentRecordLegalBasis):
        purpose (ConsentRecordPurpose):
        source (str): keyword · flow · import · api · manual
        text_shown (str): what the contact saw when choosing
    """

    created_at: datetime.datetime
    evidence: ConsentRecordEvidence
    granted: bool
    legal_basis: ConsentRecordLegalBasis
    purpose: ConsentRecordPurpose
    source: str
    text_shown: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        evidence = self.evidence.to_dict()

        granted = self.granted

        legal_basis = self.legal_basis.value

        purpose = self.purpose.value

        source = self.source

        text_shown = self.text_shown

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "evidence": evidence,
                "granted": granted,
                "legal_basis": legal_basis,
                "purpose": purpose,
                "source": source,
                "text_shown": text_shown,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.consent_record_evidence import ConsentRecordEvidence

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        evidence = ConsentRecordEvidence.from_dict(d.pop("evidence"))

        granted = d.pop("granted")

        legal_basis = ConsentRecordLegalBasis(d.pop("legal_basis"))

        purpose = ConsentRecordPurpose(d.pop("purpose"))

        source = d.pop("source")

        text_shown = d.pop("text_shown")

        consent_record = cls(
            created_at=created_at,
            evidence=evidence,
            granted=granted,
            legal_basis=legal_basis,
            purpose=purpose,
            source=source,
            text_shown=text_shown,
        )

        consent_record.additional_properties = d
        return consent_record

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
