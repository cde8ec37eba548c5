from enum import StrEnum


class ConsentRecordLegalBasis(StrEnum):
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTEREST = "legitimate_interest"

    def __str__(self) -> str:
        return str(self.value)
