from enum import StrEnum


class DataRequestInKind(StrEnum):
    ERASE = "erase"
    EXPORT = "export"

    def __str__(self) -> str:
        return str(self.value)
