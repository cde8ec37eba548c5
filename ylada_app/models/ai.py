"""AI assistant: per-instance configuration, knowledge items (catalog, FAQ, free text) and a
log of every answer (which knowledge items were used, tokens, errors the tenant must see).

Candidates of the search (services/knowledge_search.py): on PostgreSQL `KnowledgePosting`
(per instance and stem, the items holding it; migration 0043 — it replaced a GIN-indexed
tsvector column); on SQLite an FTS5 table `knowledge_fts` over `search_stems` (migration
0027, or services.knowledge.ensure_fts for databases built with create_all).
`KnowledgeSynonym`: what a business taught the assistant ("quando o cliente disser X,
entenda Y").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field

KNOWLEDGE_KINDS = ("product", "faq", "text")


class AiConfig(SQLModel, table=True):
    __tablename__ = "ai_config"
    __table_args__ = (UniqueConstraint("instance_id", name="uq_ai_config_instance"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    enabled: bool = Field(default=True)
    # "openai" (any OpenAI-compatible endpoint) | "anthropic" (messages API); migration 0037
    provider: str = Field(default="openai", max_length=20)
    base_url: str | None = Field(default=None, max_length=300)  # None: platform default
    model: str | None = Field(default=None, max_length=100)
    api_key_enc: str | None = Field(default=None, sa_type=Text)
    system_prompt: str = Field(default="", sa_type=Text)
    temperature: float = Field(default=0.3)
    tone: str = Field(default="amigavel", max_length=30)
    company: str = Field(default="", max_length=120)
    hours: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=300)
    policies: str = Field(default="", sa_type=Text)
    fallback_enabled: bool = Field(default=False)
    # What the contact reads when the assistant does not know and the team takes over
    # ("": the built-in pt-BR text, services.ai.HANDOFF_UNKNOWN).
    handoff_text: str = Field(default="", sa_type=Text)
    last_error: str | None = Field(default=None, max_length=300)
    last_error_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class KnowledgeItem(SQLModel, table=True):
    __tablename__ = "knowledge_item"
    __table_args__ = (Index("ix_knowledge_tenant_instance", "tenant_id", "instance_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)  # product | faq | text
    title: str = Field(max_length=300)
    body: str = Field(default="", sa_type=Text)
    price: str | None = Field(default=None, max_length=40)  # as written in the catalog
    sku: str | None = Field(default=None, max_length=80)
    category: str | None = Field(default=None, max_length=120)
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    search_text: str = Field(default="", sa_type=Text)  # folded words (knowledge_text)
    # stems of title | category+code | body (knowledge_text.document_stems): the scoring
    search_stems: str = Field(default="", sa_type=Text)
    embedding: list[float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    source: str | None = Field(default=None, max_length=200)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class KnowledgeSynonym(SQLModel, table=True):
    """A business's own synonym: when a customer says `phrase`, the assistant also looks
    for `meaning` in the knowledge (all the business's instances)."""

    __tablename__ = "knowledge_synonym"
    __table_args__ = (UniqueConstraint("tenant_id", "phrase", name="uq_knowledge_synonym"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    phrase: str = Field(max_length=80)  # as typed (the match is folded and stemmed)
    meaning: str = Field(max_length=200)
    created_at: datetime = time_field(default_now=True)


class KnowledgeVocab(SQLModel, table=True):
    """An instance's retrieval statistics, rewritten on every change of its knowledge:
    each stem with the number of items holding it, and the item count. The search reads
    this one row for its weights (idf) and to fix a misspelt word ("calabreza"), instead
    of counting over the items."""

    __tablename__ = "knowledge_vocab"
    __table_args__ = (UniqueConstraint("instance_id", name="uq_knowledge_vocab_instance"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    words: str = Field(default="", sa_type=Text)  # '{"stem": df, …}' (older: "stem:df …")
    items: int = Field(default=0)
    updated_at: datetime = time_field(default_now=True)


class KnowledgePosting(SQLModel, table=True):
    """Which items of an instance hold a stem (PostgreSQL; rewritten with its
    knowledge_vocab row). The search reads the few stems of a question here and then its
    candidates by id, instead of testing every item of the instance against a text query
    (the planner cannot tell a tenant's rows from an instance's, and the shared full-text
    index is slower still for words every business uses: measured 5 ms per question for
    5,000 items)."""

    __tablename__ = "knowledge_posting"

    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE", primary_key=True)
    stem: str = Field(max_length=100, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    ids: str = Field(default="", sa_type=Text)  # item ids in order, space-separated


class AiLog(SQLModel, table=True):
    __tablename__ = "ai_log"
    __table_args__ = (Index("ix_ai_log_tenant_time", "tenant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    conversation_id: int | None = Field(default=None)
    source: str = Field(default="flow", max_length=12)  # flow | fallback | console
    question: str = Field(default="", sa_type=Text)
    answer: str | None = Field(default=None, sa_type=Text)
    item_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tokens: int = Field(default=0)
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = time_field(default_now=True)
    # Which model answered and its tokens split in / out, for the costs on the usage page
    # (migration 0037; rows from before have 0/0 and count `tokens` as input).
    provider: str | None = Field(default=None, max_length=20)
    model: str | None = Field(default=None, max_length=100)
    prompt_tokens: int = Field(default=0)
    completion_tokens: int = Field(default=0)
    # Learning from the team (services/ai_learning.py): no knowledge item found or the
    # assistant did not know (never a model error); the team's verdict "good" | "wrong";
    # the FAQ item written from the correction or the "add an answer" of the unanswered list.
    unanswered: bool = Field(default=False)
    rating: str | None = Field(default=None, max_length=10)
    rated_at: datetime | None = time_field(nullable=True)
    fix_item_id: int | None = Field(default=None)
