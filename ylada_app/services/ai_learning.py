"""Learning from the team: the assistant's recent answers, marked good or wrong by the
business, corrections that become knowledge, and the questions it could not answer.

- `recent_answers`: what the assistant answered (question, answer, the knowledge items used
  by title, time, the team's verdict).
- `rate(..., "good" | "wrong")`; `correct(...)` writes the right answer as a FAQ item (the
  customer's question as its title, so the next time that question is asked the search
  finds it and the model is given it) and marks the answer wrong.
- `unanswered_groups`: customers' questions that found no knowledge item or that the
  assistant did not know (AiLog.unanswered; never a model error), grouped when their
  meaningful words are alike ("vocês aceitam vale refeição?" / "aceita vale-refeicao"), until
  the team adds an answer (`answer_group`), which marks every question of the group.

Every function takes `tenant_id` and touches only that business's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from ylada_app.models import AiLog, KnowledgeItem, utcnow
from ylada_app.services import knowledge
from ylada_app.services import knowledge_text as kt
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.validation import parse_id

RATINGS = ("good", "wrong")
MAX_ANSWER = 4000
UNANSWERED_DAYS = 60
SIMILAR = 85  # rapidfuzz token_set_ratio of two questions' keys to share a group


def _log(session: Session, tenant_id: int, log_id: int) -> AiLog:
    lid = parse_id(log_id)
    row = session.get(AiLog, lid) if lid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return row


# --- recent answers ------------------------------------------------------------------------

@dataclass
class AnswerView:
    id: int
    question: str
    answer: str
    items: list[str]  # titles of the knowledge items the answer was given
    at: datetime
    source: str
    rating: str | None
    corrected: bool
    handed_over: bool


def recent_answers(session: Session, *, tenant_id: int, instance_id: int,
                   limit: int = 20) -> list[AnswerView]:
    """The assistant's latest answers on this instance (those the contact received)."""
    rows = list(session.exec(select(AiLog).where(
        AiLog.tenant_id == tenant_id, AiLog.instance_id == instance_id,
        col(AiLog.answer).is_not(None)).order_by(col(AiLog.id).desc()).limit(limit)))
    ids = {i for r in rows for i in (r.item_ids or [])}
    titles = dict(session.exec(select(KnowledgeItem.id, KnowledgeItem.title).where(
        KnowledgeItem.tenant_id == tenant_id, col(KnowledgeItem.id).in_(ids))).all()) \
        if ids else {}
    return [AnswerView(id=r.id or 0, question=r.question, answer=r.answer or "",
                       items=[titles[i] for i in r.item_ids or [] if i in titles],
                       at=r.created_at, source=r.source, rating=r.rating,
                       corrected=r.fix_item_id is not None,
                       handed_over=bool(r.error) and r.answer is not None)
            for r in rows]


def rate(session: Session, *, tenant_id: int, log_id: int, rating: str) -> AiLog:
    if rating not in RATINGS:
        raise FieldErrors({"rating": "learning.bad_rating"})
    row = _log(session, tenant_id, log_id)
    row.rating, row.rated_at = rating, utcnow()
    session.add(row)
    session.flush()
    return row


def _faq(session: Session, *, tenant_id: int, instance_id: int, question: str,
         answer: str) -> KnowledgeItem:
    text = (answer or "").strip()
    if not text:
        raise FieldErrors({"answer": "learning.answer_required"})
    return knowledge.add_item(session, tenant_id=tenant_id, instance_id=instance_id,
                              kind="faq", title=(question or "").strip()[:300],
                              body=text[:MAX_ANSWER], source=knowledge.LEARNED)


def correct(session: Session, *, tenant_id: int, log_id: int, answer: str,
            question: str | None = None) -> KnowledgeItem:
    """The team's right answer to a wrong one: a FAQ item (title: the customer's question,
    or the team's rewording of it) that the next answer to that question is given."""
    row = _log(session, tenant_id, log_id)
    item = _faq(session, tenant_id=tenant_id, instance_id=row.instance_id,
                question=(question or "").strip() or row.question, answer=answer)
    row.rating, row.rated_at, row.fix_item_id = "wrong", utcnow(), item.id
    session.add(row)
    _resolve(session, tenant_id, row.instance_id, row.question, item.id)  # type: ignore[arg-type]
    session.flush()
    return item


# --- unanswered questions ------------------------------------------------------------------

def question_key(question: str) -> str:
    """The meaningful words of a question, stemmed and sorted: spelling, accents, word order
    and filler ("vocês", "tem", "qual") do not split a group."""
    stop = kt.stopwords()
    words = [w for w in kt.fold(question).split() if w not in stop] or kt.fold(question).split()
    return " ".join(sorted({kt.stem(w) for w in words}))


@dataclass
class UnansweredGroup:
    log_id: int            # the latest question of the group (the form's prefill)
    question: str
    count: int
    last_at: datetime
    log_ids: list[int] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # other wordings, for the team


def _open_rows(session: Session, tenant_id: int, instance_id: int,
               days: int = UNANSWERED_DAYS) -> list[AiLog]:
    since = utcnow() - timedelta(days=days)
    return list(session.exec(select(AiLog).where(
        AiLog.tenant_id == tenant_id, AiLog.instance_id == instance_id,
        AiLog.unanswered == True,  # noqa: E712 - SQL
        col(AiLog.fix_item_id).is_(None), AiLog.created_at >= since)
        .order_by(col(AiLog.id).desc()).limit(2000)))


def _group(rows: list[AiLog]) -> list[tuple[str, list[AiLog]]]:
    groups: list[tuple[str, list[AiLog]]] = []
    for row in rows:  # newest first: a group is named by its latest wording
        key = question_key(row.question)
        for gkey, members in groups:
            if key == gkey or (key and gkey and fuzz.token_set_ratio(key, gkey) >= SIMILAR):
                members.append(row)
                break
        else:
            groups.append((key, [row]))
    return groups


def unanswered_groups(session: Session, *, tenant_id: int, instance_id: int,
                      limit: int = 30) -> list[UnansweredGroup]:
    """Questions still without an answer, most asked first."""
    out = []
    for _, members in _group(_open_rows(session, tenant_id, instance_id)):
        head = members[0]
        variants = list(dict.fromkeys(m.question.strip() for m in members[1:]
                                      if m.question.strip() != head.question.strip()))
        out.append(UnansweredGroup(log_id=head.id or 0, question=head.question,
                                   count=len(members), last_at=head.created_at,
                                   log_ids=[m.id or 0 for m in members],
                                   variants=variants[:3]))
    out.sort(key=lambda g: (-g.count, -g.last_at.timestamp()))
    return out[:limit]


def _resolve(session: Session, tenant_id: int, instance_id: int, question: str,
             item_id: int) -> int:
    """Mark every open question of `question`'s group as answered by `item_id`."""
    key = question_key(question)
    done = 0
    for gkey, members in _group(_open_rows(session, tenant_id, instance_id)):
        if gkey == key or (key and gkey and fuzz.token_set_ratio(key, gkey) >= SIMILAR):
            for row in members:
                row.fix_item_id = item_id
                session.add(row)
                done += 1
    return done


def answer_group(session: Session, *, tenant_id: int, log_id: int, answer: str,
                 question: str | None = None) -> KnowledgeItem:
    """"Adicionar resposta": a FAQ item for an unanswered question (the form comes filled
    with the customer's words); the whole group leaves the list."""
    row = _log(session, tenant_id, log_id)
    item = _faq(session, tenant_id=tenant_id, instance_id=row.instance_id,
                question=(question or "").strip() or row.question, answer=answer)
    _resolve(session, tenant_id, row.instance_id, row.question, item.id)  # type: ignore[arg-type]
    row.fix_item_id = item.id
    session.add(row)
    session.flush()
    return item
