from enum import StrEnum


class BroadcastVariableSource(StrEnum):
    FIELD = "field"
    NAME = "name"
    PHONE = "phone"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
