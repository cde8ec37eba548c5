from enum import StrEnum


class BroadcastStatus(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
