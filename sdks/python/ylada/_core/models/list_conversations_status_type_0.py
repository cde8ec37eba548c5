from enum import StrEnum


class ListConversationsStatusType0(StrEnum):
    BOT = "bot"
    CLOSED = "closed"
    HUMAN = "human"
    SNOOZED = "snoozed"

    def __str__(self) -> str:
        return str(self.value)
