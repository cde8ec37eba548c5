"""Which of a business's conversations have messages with the words searched in the inbox.

On PostgreSQL every conversation keeps the distinct words of what the customer and the team
wrote (`conversation.search_words`, a tsvector with the business as one more word,
'~t<id>'; migration 0015), GIN-indexed: a search reads conversations, never messages, and
costs about the same for a rare word and for one in every conversation. Words are matched
as prefixes, without regard to case or accents (folded here, in Python, on both sides).
The bot's own messages are not indexed: they are the business's flows, the same for every
customer, and would make the words of a menu match every conversation. SQLite (the embedded
mode, small data) scans the folded text of the messages instead.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, any_, false, func, literal, literal_column, or_, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from ylada_app.core.db import escape_like, fold_text
from ylada_app.models import Contact, Conversation, Message
from ylada_app.models.bulk import Computed
from ylada_app.services.contacts import name_or_phone

MAX_WORDS = 6
CONTACTS_MAX = 5_000  # contacts matched by name/number passed to the list as ids
_WORD = re.compile(r"[0-9a-z]+")
_REMEMBER = text(
    "UPDATE conversation SET search_words ="
    " coalesce(search_words, ('~t' || tenant_id::text)::tsvector)"
    " || strip(to_tsvector('simple'::regconfig, :words)) WHERE id = :id")


# The same, as one more SET of the batch's conversation UPDATE (models.bulk.update_rows):
# the row is written once per batch instead of twice — and `search_words` is indexed, so
# the second write was a whole new row version with an entry in every index of the table.
REMEMBER_SET = Computed(
    sql="search_words = CASE WHEN v.new_words IS NULL THEN conversation.search_words ELSE"
        " coalesce(conversation.search_words, ('~t' || conversation.tenant_id::text)::tsvector)"
        " || strip(to_tsvector('simple'::regconfig, v.new_words)) END",
    fields="new_words text", names=("new_words",))


def words_of(texts: list[str]) -> str | None:
    """What `remember` / REMEMBER_SET index of new messages' texts (None: nothing)."""
    if not any(texts):
        return None
    return fold_text(" ".join(t for t in texts if t))[:100_000]


def has_words(session: Session, *, tenant_id: int, text: str) -> ColumnElement[bool]:
    """A condition on `conversation`: it has a message containing every word of `text`."""
    folded = fold_text(text)
    if session.get_bind().dialect.name != "postgresql":
        return col(Conversation.id).in_(select(Message.conversation_id).where(
            Message.tenant_id == tenant_id,
            or_(Message.direction == "in", col(Message.author_user_id).is_not(None)),
            func.ylada_fold(Message.text).like(f"%{escape_like(folded)}%", escape="\\")))
    words = _WORD.findall(folded)[:MAX_WORDS]
    if not words:
        return false()
    query = func.to_tsquery(literal_column("'simple'::regconfig"),
                            " & ".join(f"{w}:*" for w in words)).op("&&")(
        literal_column(f"'~t{int(tenant_id)}'::tsquery"))  # an int: nothing to escape
    return literal_column("conversation.search_words").bool_op("@@")(query)


def contact_matches(session: Session, *, tenant_id: int, text: str) -> ColumnElement[bool]:
    """A condition on `conversation`: its contact's name has `text`, or its number has the
    digits of `text` (4 or more). The contacts are found first — one pass over the
    business's contacts — so that the list then reads only their conversations."""
    found = select(Contact.id).where(Contact.tenant_id == tenant_id, name_or_phone(text))
    ids = session.exec(found.limit(CONTACTS_MAX + 1)).all()
    if len(ids) > CONTACTS_MAX:  # a very common name: let the database join instead
        return col(Conversation.contact_id).in_(found)
    if session.get_bind().dialect.name != "postgresql":
        return col(Conversation.contact_id).in_(ids)
    return Conversation.contact_id == any_(literal(list(ids), ARRAY(Integer)))


def remember(conn: Connection, texts: dict[int, list[str]]) -> None:
    """Add the words of new customer/team messages to their conversations (PostgreSQL; in
    the transaction that stores them). `texts`: conversation id → texts."""
    if conn.dialect.name != "postgresql":
        return
    rows = [{"id": cid, "words": words_of(items)} for cid, items in texts.items()
            if any(items)]
    if rows:
        conn.execute(_REMEMBER, rows)

