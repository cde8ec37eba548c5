from enum import StrEnum


class BroadcastFieldFilterOp(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"

    def __str__(self) -> str:
        return str(self.value)
