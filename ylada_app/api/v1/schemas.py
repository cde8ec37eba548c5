"""Request and response bodies of the public API (they are also its OpenAPI documentation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# Stored naive in UTC; the API says so (RFC 3339 with the offset).
Instant = Annotated[datetime, AfterValidator(_utc)]
# ids the database's integer columns can hold (a bigger one is a 422, not a 500)
MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A flow's JSON (format v1) as the examples show it: "oi" starts it, a greeting answers.
FLOW_EXAMPLE: dict[str, Any] = {"version": 1, "nodes": [
    {"id": "inicio", "type": "start", "position": {"x": 0, "y": 0},
     "data": {"triggers": [{"type": "keyword", "match": "exact", "keywords": ["oi"]}]}},
    {"id": "boas-vindas", "type": "message", "position": {"x": 250, "y": 0},
     "data": {"text": "Olá {{contact.name}}! Como posso ajudar?"}}],
    "edges": [{"id": "e1", "source": "inicio", "target": "boas-vindas"}]}


class Instance(BaseModel):
    id: int = Field(examples=[12])
    name: str = Field(examples=["Loja Centro"])
    channel: str = Field(description="whatsapp_cloud | simulator", examples=["whatsapp_cloud"])
    status: str = Field(description="draft | connected | error | disabled",
                        examples=["connected"])
    display_number: str | None = Field(default=None, examples=["+55 11 98765-4321"])
    verified_name: str | None = Field(default=None, examples=["Loja Centro"])
    last_checked_at: Instant | None = None
    created_at: Instant


class InstanceHealth(BaseModel):
    id: int = Field(examples=[12])
    status: str = Field(examples=["connected"])
    detail: str | None = Field(default=None, description="why, when not connected",
                               examples=[None])
    last_checked_at: Instant | None = None


class InstanceList(BaseModel):
    data: list[Instance]


class Contact(BaseModel):
    id: int = Field(examples=[4821])
    instance_id: int = Field(examples=[12])
    phone: str = Field(description="E.164 digits, as WhatsApp uses them",
                       examples=["5511987654321"])
    name: str = Field(examples=["Ana Souza"])
    tags: list[str] = Field(examples=[["vip", "atacado"]])
    fields: dict[str, Any] = Field(examples=[{"cidade": "São Paulo"}])
    opted_out: bool = Field(description="asked not to receive messages", examples=[False])
    opted_in_at: Instant | None = Field(
        default=None, description="when the contact agreed to marketing messages "
        "(broadcasts reach only these); null: no consent recorded")
    created_at: Instant
    updated_at: Instant


class ConsentRecord(BaseModel):
    """One grant or revocation (records are only ever added: the latest per purpose stands)."""

    purpose: Literal["service", "marketing"] = Field(examples=["marketing"])
    granted: bool = Field(description="true: given; false: taken back", examples=[True])
    legal_basis: Literal["consent", "contract", "legitimate_interest",
                         "legal_obligation"] = Field(examples=["consent"])
    source: str = Field(description="keyword · flow · import · api · manual",
                        examples=["flow"])
    text_shown: str = Field(description="what the contact saw when choosing",
                            examples=["Quer receber nossas ofertas pelo WhatsApp?"])
    evidence: dict[str, Any] = Field(
        description="what backs it: the WhatsApp message id (wamid), the user, the API key "
                    "or the imported file", examples=[{"wamid": "wamid.HBgM…"}])
    created_at: Instant


class ConsentList(BaseModel):
    data: list[ConsentRecord]


class ContactPage(BaseModel):
    data: list[Contact]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last one",
        examples=["4821"])


class ContactUpsert(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "instance_id": 12, "phone": "+55 (11) 98765-4321", "name": "Ana Souza",
        "tags": ["vip"], "fields": {"cidade": "São Paulo"}}]})

    instance_id: DbId = Field(description="the WhatsApp number the contact belongs to")
    phone: str = Field(min_length=1, max_length=40,
                       description="any usual format; Brazilian numbers with or without the 9")
    name: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=100,
                                   description="replaces the contact's tags")
    fields: dict[str, str | int | float | None] | None = Field(
        default=None, description="merged into the contact's fields; null removes one")
    opted_out: StrictBool | None = None
    opted_in: StrictBool | None = Field(
        default=None, description="true records the contact's consent to marketing messages "
        "(source: api); false withdraws it")


class ContactPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "tags": ["vip", "cliente"], "fields": {"plano": "anual", "antigo": None}}]})

    name: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=100)
    fields: dict[str, str | int | float | None] | None = None
    opted_out: StrictBool | None = None
    opted_in: StrictBool | None = None


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


class _Text(BaseModel):
    """A body whose texts go to WhatsApp and the database: none may hold a NUL character
    (PostgreSQL text cannot store one; a message's text with it was a 500)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError("nul_character", "must not contain a NUL character")
        return value


class Button(_Text):
    id: str = Field(min_length=1, max_length=256, examples=["sim"])
    title: str = Field(min_length=1, max_length=20, examples=["Sim, confirmo"])


class Row(_Text):
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=24)
    description: str | None = Field(default=None, max_length=72)


class Section(_Text):
    title: str | None = Field(default=None, max_length=24)
    rows: list[Row] = Field(min_length=1, max_length=10)


class Media(_Text):
    kind: Literal["image", "document", "video", "audio"]
    url: str = Field(max_length=2000, pattern=r"^https://\S+$",
                     description="WhatsApp downloads the file from this https link")
    caption: str | None = Field(default=None, max_length=1024)
    filename: str | None = Field(default=None, max_length=240)


class _MessageBase(_Text):
    model_config = ConfigDict(extra="forbid")
    contact_id: DbId


class TextMessage(_MessageBase):
    type: Literal["text"]
    text: str = Field(min_length=1, max_length=4096, pattern=r"\S")


class ButtonsMessage(_MessageBase):
    type: Literal["buttons"]
    text: str = Field(min_length=1, max_length=1024, pattern=r"\S",
                      description="the message above the buttons")
    buttons: list[Button] = Field(min_length=1, max_length=3,
                                  description="ids and titles must be unique")
    header: str | None = Field(default=None, max_length=60)
    footer: str | None = Field(default=None, max_length=60)


class ListMessage(_MessageBase):
    type: Literal["list"]
    text: str = Field(min_length=1, max_length=1024, pattern=r"\S")
    button_label: str | None = Field(default=None, max_length=20,
                                     description="the button that opens the list")
    sections: list[Section] = Field(min_length=1, max_length=10,
                                    description="up to 10 rows in all; ids unique")
    header: str | None = Field(default=None, max_length=60)
    footer: str | None = Field(default=None, max_length=60)


class MediaMessage(_MessageBase):
    type: Literal["media"]
    media: Media


class TemplateMessage(_MessageBase):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "contact_id": 4821, "type": "template", "template": "pedido_enviado",
        "language": "pt_BR", "variables": ["Ana", "#1234"]}]})

    type: Literal["template"]
    template: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$",
                          description="an APPROVED template of the contact's number")
    language: str = Field(default="pt_BR", max_length=10, pattern=r"^[a-z]{2}(_[A-Z]{2})?$")
    variables: list[str] = Field(default_factory=list, max_length=100,
                                 description="the body's {{1}}, {{2}}, … in order")
    header_variables: list[str] = Field(default_factory=list, max_length=1,
                                        description="the header's {{1}}, if it has one")
    header_media_link: str | None = Field(
        default=None, max_length=2000,
        description="the public https link of the header's image, video or document, when "
                    "the template has a media header (required then)")


MessageIn = Annotated[TextMessage | ButtonsMessage | ListMessage | MediaMessage |
                      TemplateMessage,
                      Field(discriminator="type", description=(
                          "One message to a contact: `text`; `buttons` (up to 3 reply "
                          "buttons); `list` (a menu of up to 10 rows); `media` by link; or "
                          "an approved `template`. Free-form messages reach a contact within "
                          "24 hours of their last message (WhatsApp's rule); a template "
                          "also outside it, and to a contact who never wrote. Opted-out "
                          "contacts get nothing."))]


class MessageQueued(BaseModel):
    id: int = Field(description="the message's id", examples=[99120])
    conversation_id: int = Field(examples=[377])
    status: Literal["queued"] = "queued"


class Conversation(BaseModel):
    id: int = Field(examples=[377])
    instance_id: int
    contact_id: int
    contact_name: str
    phone: str
    status: str = Field(description="bot | human (waiting for or with a person) | snoozed | "
                                    "closed (resolved)", examples=["human"])
    assignee_user_id: int | None = None
    unread: int = Field(description="customer messages since a person last read it")
    waiting_since: Instant | None = Field(
        default=None, description="since when the customer waits for a person")
    last_message_at: Instant | None = None
    last_message_preview: str = ""
    created_at: Instant


class ConversationPage(BaseModel):
    data: list[Conversation]
    next_cursor: str | None


class MessageOut(BaseModel):
    id: int
    direction: Literal["in", "out"]
    author: str = Field(description="customer | bot | ai | api | broadcast | agent | app "
                              "(written in the WhatsApp Business app)")
    type: str = Field(examples=["text"])
    text: str | None = None
    payload: dict[str, Any] = Field(description="the message as stored (buttons, media…)")
    status: str = Field(description="in: pending | processed | ignored; out: queued | "
                                    "sending | sent | delivered | read | failed | blocked")
    error: str | None = None
    created_at: Instant


class MessagePage(BaseModel):
    data: list[MessageOut]
    next_cursor: str | None


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee_user_id: DbId | None = Field(description="a member of the business, or null",
                                          examples=[12])


class ReturnToBotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flow_id: DbId | None = Field(default=None, description="start this active flow; without "
                                 "it the bot resumes after the hand-off", examples=[7])


class StartFlowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contact_id: DbId = Field(examples=[4821])


class FlowStarted(BaseModel):
    conversation_id: int = Field(examples=[377])
    status: Literal["starting"] = "starting"


class FlowSummary(BaseModel):
    id: int = Field(examples=[7])
    instance_id: int = Field(examples=[12])
    name: str = Field(examples=["Atendimento da loja"])
    status: str = Field(description="draft | active | inactive", examples=["active"])
    updated_at: Instant


class FlowList(BaseModel):
    data: list[FlowSummary]


class FlowDetail(FlowSummary):
    definition: dict[str, Any] = Field(description="the flow's JSON (its draft)",
                                       examples=[FLOW_EXAMPLE])


class FlowIssue(BaseModel):
    code: str = Field(examples=["dangling_edge"])
    message: str = Field(examples=['A conexão "e1" chega em "nada", um bloco que não existe.'])
    node_id: str | None = Field(default=None, examples=["inicio"])
    field: str | None = Field(default=None, examples=["edges[0].target"])


class FlowValidation(BaseModel):
    ok: bool = Field(examples=[True])
    errors: list[FlowIssue]
    warnings: list[FlowIssue]


class InstalledTemplate(BaseModel):
    id: int = Field(examples=[3])
    template_slug: str = Field(examples=["agendamento-salao"])
    template_name: str = Field(examples=["Agendamento para salão"])
    instance_id: int = Field(examples=[12])
    flow_id: int | None = Field(examples=[7])
    version: int = Field(examples=[1])
    latest_version: int = Field(examples=[2])
    update_available: bool = Field(examples=[True])
    installed_at: Instant


class InstalledTemplateList(BaseModel):
    data: list[InstalledTemplate]


class UsageCounts(BaseModel):
    messages_in: int
    messages_out: int
    messages_blocked: int = Field(description="replies withheld: the monthly quota was used up")
    ai_tokens: int


class Usage(BaseModel):
    month: str = Field(examples=["2026-12"])
    plan: str = Field(examples=["pro"])
    messages_in: int = Field(description="this business's own (see `plan_usage`)")
    messages_out: int = Field(description="this business's own (see `plan_usage`)")
    messages_blocked: int = Field(description="replies withheld: the monthly quota was used up")
    messages_limit: int
    ai_tokens: int = Field(description="this business's own (see `plan_usage`)")
    ai_tokens_limit: int
    shared_plan: bool = Field(
        description="true when the plan is an agency's, shared by the agency and its client "
                    "businesses: the limits then count the whole group (`plan_usage`)")
    plan_usage: UsageCounts = Field(
        description="what the plan's limits count this month — compare with "
                    "`messages_limit` and `ai_tokens_limit`: the whole group's for a shared "
                    "plan, otherwise the same as the business's own counters above")


class AnalyticsSummary(BaseModel):
    period: dict[str, str] = Field(examples=[{"key": "7d", "start": "2026-11-25",
                                              "end": "2026-12-01", "tz": "America/Sao_Paulo"}])
    totals: dict[str, int]
    days: list[dict[str, Any]]


class BroadcastVariable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["name", "phone", "field", "text"] = Field(
        description="what fills this {{n}}: `name` (the contact's name; \"cliente\" when "
                    "unknown), `phone`, `field` (the contact field named in `value`; \"-\" "
                    "when the contact has none) or `text` (`value` itself)",
        examples=["name"])
    value: str = Field(default="", max_length=1024,
                       description="the field's name (`field`) or the text (`text`)")


class BroadcastFieldFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=50, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,49}$",
                      description="a contact field's name", examples=["cidade"])
    op: Literal["equals", "contains"] = Field(
        default="equals", description="equal to, or containing, `value` (any case)")
    value: str = Field(min_length=1, max_length=200, pattern=r"\S", examples=["Campinas"])


class BroadcastAudience(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tags: list[Annotated[str, Field(max_length=50)]] = Field(
        default_factory=list, max_length=10,
        description="contacts with any of these tags; empty: every contact who consented",
        examples=[["vip"]])
    active_days: Literal[1, 7, 30, 90, 365] | None = Field(
        default=None, description="only contacts who wrote within the last N days")
    fields: list[BroadcastFieldFilter] = Field(
        default_factory=list, max_length=3, description="contact fields (all must match)")


class BroadcastEstimateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "instance_id": 12, "template": "oferta_semana", "language": "pt_BR",
        "audience": {"tags": ["vip"], "fields": [
            {"name": "cidade", "op": "equals", "value": "Campinas"}]}}]})

    instance_id: DbId = Field(description="the WhatsApp number that sends it")
    template: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$",
                          description="an APPROVED template of that number")
    language: str = Field(default="pt_BR", max_length=10, pattern=r"^[a-z]{2}(_[A-Z]{2})?$")
    audience: BroadcastAudience = Field(default_factory=BroadcastAudience)


class BroadcastIn(BroadcastEstimateIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "instance_id": 12, "name": "Oferta da semana", "template": "oferta_semana",
        "language": "pt_BR",
        "variables": [{"source": "name"}, {"source": "text", "value": "20% de desconto"}],
        "audience": {"tags": ["vip"], "active_days": 90},
        "scheduled_at": "2026-12-24T09:00:00", "up_to_quota": False}]})

    name: str = Field(min_length=1, max_length=120, pattern=r"\S",
                      description="for you only (the contacts never see it)")
    variables: list[BroadcastVariable] = Field(
        default_factory=list, max_length=100,
        description="one per {{n}} of the template's body, in order")
    header_media_link: str | None = Field(
        default=None, max_length=2000,
        description="the public https link of the header's image, video or document, when "
                    "the template has a media header (required then)")
    scheduled_at: str | None = Field(
        default=None, max_length=40, examples=["2026-12-24T09:00:00-03:00"],
        description="ISO 8601; without an offset it is the business's local time "
                    "(Brasília unless set otherwise); omitted: send now")
    up_to_quota: StrictBool = Field(
        default=False, description="when the audience is bigger than the messages the plan "
        "still allows this month, send up to the limit instead of refusing")


class BroadcastEstimate(BaseModel):
    recipients: int = Field(description="contacts in the audience now", examples=[1840])
    category: str = Field(description="the template's category", examples=["MARKETING"])
    cost_cents: int = Field(description="Meta's estimated cost, BRL centavos (0 on the "
                                        "simulator)", examples=[64400])
    messages_left: int = Field(description="messages the plan still allows this month",
                               examples=[8200])


class BroadcastProgress(BaseModel):
    total: int = Field(description="the audience (or what was taken, when more)")
    queued: int = Field(description="waiting to go out")
    sent: int
    delivered: int
    read: int
    failed: int
    skipped: int = Field(description="left out while sending (opted out since, the weekly "
                                     "marketing cap, the plan's quota)")
    replied: int = Field(description="recipients who wrote after the message")


class Broadcast(BaseModel):
    id: int = Field(examples=[31])
    instance_id: int
    name: str
    template: str
    language: str
    category: str
    status: Literal["scheduled", "sending", "done", "cancelled", "stopped"] = Field(
        description="scheduled → sending → done; or cancelled, or stopped (see stop_reason)")
    stop_reason: str | None = Field(
        default=None, description="why it stopped or waits: inbox.quota_over (the plan's "
        "messages ran out), a template code (Meta paused or disabled it), "
        "broadcasts.tier_cap (still sending: the number's 24-hour limit was reached)")
    resumes_at: Instant | None = Field(
        default=None, description="while waiting for the number's 24-hour limit: when it "
                                  "goes on")
    scheduled_at: Instant
    variables: list[BroadcastVariable]
    header_media_link: str | None = Field(
        default=None, description="the link its media header is sent with, if any")
    audience: BroadcastAudience
    progress: BroadcastProgress
    estimated_cost_cents: int = Field(description="Meta's estimated cost, BRL centavos")
    created_at: Instant
    started_at: Instant | None = None
    finished_at: Instant | None = None


class BroadcastPage(BaseModel):
    data: list[Broadcast]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page; "
                                                "null on the last one")


class BroadcastRecipient(BaseModel):
    contact_id: int
    phone: str = Field(examples=["5511987654321"])
    name: str
    status: str = Field(description="queued | sent | delivered | read | failed | skipped",
                        examples=["delivered"])
    reason: str | None = Field(default=None, description="why it failed or was skipped "
                               "(a stable code, or WhatsApp's error)")


class BroadcastRecipientPage(BaseModel):
    data: list[BroadcastRecipient]
    next_cursor: str | None


class Problem(BaseModel):
    """An error (RFC 9457)."""

    type: str = Field(examples=["https://ylada.com.br/docs/api/erros#error.not_found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    code: str = Field(description="stable: program against this", examples=["error.not_found"])
    detail: str = Field(examples=["Não encontrado."])
    request_id: str
    errors: dict[str, str] | None = Field(default=None,
                                          description="422: the message of each field")


class WebhookEvent(BaseModel):
    """What an outgoing webhook POSTs (signed per Standard Webhooks: `webhook-id` = `id`,
    `webhook-timestamp`, `webhook-signature`)."""

    id: str = Field(description="the same for every attempt: deduplicate by it",
                    examples=["evt_981"])
    type: str = Field(examples=["message.received"])
    timestamp: str = Field(description="when it happened (UTC, ISO 8601)",
                           examples=["2026-12-01T14:03:22Z"])
    data: dict[str, Any] = Field(examples=[{
        "message": {"id": 5521, "conversation_id": 377, "instance_id": 12, "direction": "in",
                    "type": "text", "text": "oi", "wamid": "wamid.HBg…",
                    "created_at": "2026-12-01T14:03:22Z"},
        "contact": {"id": 42, "instance_id": 12, "phone": "5511987654321", "name": "Ana",
                    "tags": [], "fields": {}, "opted_out": False,
                    "created_at": "2026-12-01T14:03:22Z",
                    "updated_at": "2026-12-01T14:03:22Z"}}])


class DataRequestIn(BaseModel):
    """An LGPD data subject request for one contact."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "export"}]})

    kind: Literal["export", "erase"] = Field(
        description="export: a ZIP with everything about the contact · erase: their personal "
                    "data anonymised everywhere (irreversible)")


class DataRequest(BaseModel):
    id: int = Field(examples=[31])
    contact_id: int | None = Field(description="null if the contact row no longer exists",
                                   examples=[4821])
    kind: str = Field(description="export | erase | correct", examples=["export"])
    source: str = Field(description="contact_page | api | whatsapp", examples=["api"])
    status: str = Field(description="pending | running | done | failed", examples=["done"])
    progress: int = Field(description="0–100", examples=[100])
    created_at: Instant
    due_at: Instant = Field(description="the legal deadline (15 days after the request)")
    done_at: Instant | None = None
    overdue: bool = Field(description="still open past its deadline")
    download_url: str | None = Field(
        default=None, description="export done: GET it with the same key (a ZIP); valid "
                                  "for 7 days after it was built",
        examples=["/api/v1/data-requests/31/download"])
