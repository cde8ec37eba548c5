"""A business's own synonyms for the AI assistant ("quando o cliente disser X, entenda Y"),
kept per business (tenant) and applied to every instance's retrieval on top of the built-in
lists of services/lexicon/. Every function takes `tenant_id` and touches only its rows."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ylada_app.models import KnowledgeSynonym, utcnow
from ylada_app.services import knowledge_search
from ylada_app.services import knowledge_text as kt
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.validation import clean_name, parse_id

MAX_PER_BUSINESS = 300
MAX_PHRASE = 80
MAX_MEANING = 200


def list_synonyms(session: Session, *, tenant_id: int) -> list[KnowledgeSynonym]:
    return list(session.exec(select(KnowledgeSynonym).where(
        KnowledgeSynonym.tenant_id == tenant_id).order_by(col(KnowledgeSynonym.id))))


def add_synonym(session: Session, *, tenant_id: int, phrase: str,
                meaning: str) -> KnowledgeSynonym:
    """Teach one pair; saying the same phrase again replaces its meaning."""
    phrase, meaning = clean_name(phrase), clean_name(meaning)
    errors: dict[str, str] = {}
    if not kt.phrase_key(phrase):
        errors["phrase"] = "synonyms.phrase_required"
    elif len(phrase) > MAX_PHRASE:
        errors["phrase"] = "synonyms.phrase_too_long"
    if not kt.fold(meaning):
        errors["meaning"] = "synonyms.meaning_required"
    elif len(meaning) > MAX_MEANING:
        errors["meaning"] = "synonyms.meaning_too_long"
    elif kt.fold(meaning) == kt.fold(phrase):
        errors["meaning"] = "synonyms.same_words"
    if errors:
        raise FieldErrors(errors)
    existing = [s for s in list_synonyms(session, tenant_id=tenant_id)
                if kt.fold(s.phrase) == kt.fold(phrase)]
    if existing:
        row = existing[0]
        row.phrase, row.meaning = phrase, meaning
    else:
        if len(list_synonyms(session, tenant_id=tenant_id)) >= MAX_PER_BUSINESS:
            raise ServiceError("synonyms.too_many", max=MAX_PER_BUSINESS)
        row = KnowledgeSynonym(tenant_id=tenant_id, phrase=phrase, meaning=meaning,
                               created_at=utcnow())
    session.add(row)
    session.flush()
    knowledge_search.forget_synonyms(tenant_id)
    return row


def delete_synonym(session: Session, *, tenant_id: int, synonym_id: int) -> None:
    sid = parse_id(synonym_id)
    row = session.get(KnowledgeSynonym, sid) if sid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    session.delete(row)
    session.flush()
    knowledge_search.forget_synonyms(tenant_id)
