"""Flow format v1: pydantic models for the JSON the visual editor saves.

The shape follows React Flow so the editor maps it 1:1::

    {"version": 1,
     "nodes": [{"id": "n1", "type": "message", "position": {"x": 0, "y": 0}, "data": {...}}],
     "edges": [{"id": "e1", "source": "n1", "sourceHandle": "out", "target": "n2"}],
     "variables": [{"name": "email", "type": "string", "default": null}]}

Every node's `data` may carry a `label` (shown in the editor and in validation messages).
Extra keys (React Flow's `selected`, `measured`, a viewport...) are ignored.

Node kinds and their `data` (handles are the `sourceHandle` values an edge may leave by;
a missing or null `sourceHandle` means `"out"`):

``start``            handles: out
    ``triggers``: list of
    ``{"type": "keyword", "keywords": ["oi", "menu"], "match": "exact" | "contains"}``,
    ``{"type": "any_message"}``, ``{"type": "button_payload", "payload": "PROMO_1"}``,
    ``{"type": "referral", "source_id": optional ad id}``. Exactly one start per flow.
``message``          one of four variants, told apart by which key is present:
    text:    ``{"text"}`` (≤ 4096)                                   handles: out
    media:   ``{"media": {"kind": image|video|audio|document, "url", "caption"?,
             "filename"?}}``                                         handles: out
    buttons: ``{"text" (≤ 1024), "buttons": [{"id", "title" (≤ 20)}] (1..3)}``
    list:    ``{"text" (≤ 1024), "button_label" (≤ 20), "sections": [{"title"?, "rows":
             [{"id", "title" (≤ 24), "description"? (≤ 72)}]}]}`` (≤ 10 rows in total)
    buttons/list also take ``header``/``footer`` (≤ 60), ``retry_text`` (sent before the
    menu is shown again after an unrecognised answer) and ``max_retries`` (default 2);
    handles: each button/row id, plus ``"other"`` (free text that matches no option).
``question``         ``text``, ``variable``, ``validator`` (text|number|email|phone|date|
    choice; default text), ``choices`` (for choice), ``retry_text``, ``max_retries``
    (default 3).                                            handles: ok, invalid
``condition``        ``rules: [{"left", "op", "right"?}]``, ``logic``: and|or.
    ``left``: ``vars.<name>``, ``contact.name``, ``contact.wa_id``, ``contact.fields.<name>``
    or ``tags`` (not needed for has_tag/not_has_tag).          handles: true, false
``set_variable``     ``variable``, ``value`` (template), ``mode``: set|increment. handles: out
``tag``              ``add: [...]``, ``remove: [...]``.                       handles: out
``http_request``     ``method``, ``url`` (template), ``headers`` (templates), ``body``
    (template or null), ``timeout_s`` (default 10, max 30), ``response_map``:
    ``{"var_name": "path.in.json[0].body"}``.                  handles: ok, error
``ai_reply``         ``prompt``?, ``use_knowledge``?.                  handles: out, error
``handoff``          ``text``? (sent to the user), ``note``? (for the agents).
    handles: out (followed when the bot is resumed)
``delay``            ``amount`` + ``unit`` (seconds|minutes|hours|days), 1 s .. 30 days.
    handles: out
``goto_flow``        ``flow_id``.                                          no handles
``goal``             ``name``.                                             handles: out
``randomizer``       ``branches: [{"id", "label"?, "weight" (integer 1..100)}]`` (2..6): an
    A/B split; each contact follows one branch, picked by weight (runtime.py tells how).
                                                           handles: each branch id
``template``         ``name`` (an approved WhatsApp message template of the number),
    ``language`` (default pt_BR), ``variables``: one template text per ``{{n}}`` of the
    template's body, in order.                                             handles: out
``consent``          (nothing): the contact agrees to receive the business's marketing
    messages (recorded on the contact as given "in a flow", with the time); never undoes an
    opt-out.                                                               handles: out
``reminder``         ``date`` (text with variables: dd/mm/aaaa or aaaa-mm-dd, e.g. a date
    question's answer), ``time`` (HH:MM, empty = 09:00), ``before_amount`` + ``before_unit``
    (minutes|hours|days): at that moment before the date, the contact's conversation
    restarts from the ``later`` handle — independent of whatever the contact does meanwhile
    (a reminder, ManyChat's "sequence"); passing the block again moves the reminder.
                                                                    handles: out, later
``end``              (nothing).                                            no handles
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

NODE_KINDS = (
    "start", "message", "question", "condition", "set_variable", "tag", "http_request",
    "ai_reply", "handoff", "delay", "goto_flow", "goal", "randomizer", "template", "consent",
    "reminder", "end",
)
OUT = "out"
OTHER = "other"

ValidatorKind = Literal["text", "number", "email", "phone", "date", "choice"]
ConditionOp = Literal[
    "equals", "not_equals", "contains", "gt", "lt", "gte", "lte", "is_set", "is_not_set",
    "regex", "has_tag", "not_has_tag",
]
DelayUnit = Literal["seconds", "minutes", "hours", "days"]
DELAY_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _check_scalar(value: Any) -> Any:
    # A plain union would report one pydantic error per member; one clear message is better.
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise ValueError("deve ser um texto, um número, verdadeiro/falso ou vazio")


Scalar = Annotated[Any, AfterValidator(_check_scalar)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Position(_Model):
    x: float = 0
    y: float = 0


# --- start triggers -------------------------------------------------------------------------


class KeywordTrigger(_Model):
    type: Literal["keyword"]
    keywords: list[str]
    match: Literal["exact", "contains"] = "exact"


class AnyMessageTrigger(_Model):
    type: Literal["any_message"]


class ButtonPayloadTrigger(_Model):
    type: Literal["button_payload"]
    payload: str


class ReferralTrigger(_Model):
    type: Literal["referral"]
    source_id: str | None = None


Trigger = Annotated[
    KeywordTrigger | AnyMessageTrigger | ButtonPayloadTrigger | ReferralTrigger,
    Field(discriminator="type"),
]


# --- node data ------------------------------------------------------------------------------


class NodeData(_Model):
    label: str | None = None


class StartData(NodeData):
    triggers: list[Trigger] = []


class Media(_Model):
    kind: Literal["image", "video", "audio", "document"]
    url: str
    caption: str | None = None
    filename: str | None = None


class Button(_Model):
    id: str
    title: str


class ListRow(_Model):
    id: str
    title: str
    description: str | None = None


class ListSection(_Model):
    title: str | None = None
    rows: list[ListRow]


class MessageData(NodeData):
    text: str | None = None
    media: Media | None = None
    buttons: list[Button] | None = None
    button_label: str | None = None
    sections: list[ListSection] | None = None
    header: str | None = None
    footer: str | None = None
    retry_text: str | None = None
    max_retries: int = 2

    @property
    def variant(self) -> Literal["text", "media", "buttons", "list"]:
        if self.media is not None:
            return "media"
        if self.buttons is not None:
            return "buttons"
        if self.sections is not None:
            return "list"
        return "text"

    def options(self) -> list[tuple[str, str]]:
        """(id, title) of every button or list row, in display order."""
        if self.variant == "buttons":
            return [(b.id, b.title) for b in self.buttons or []]
        if self.variant == "list":
            return [(r.id, r.title) for s in self.sections or [] for r in s.rows]
        return []


class QuestionData(NodeData):
    text: str = ""
    variable: str | None = None
    validator: ValidatorKind = "text"
    choices: list[str] = []
    retry_text: str | None = None
    max_retries: int = 3


class Rule(_Model):
    left: str | None = None
    op: ConditionOp
    right: Scalar = None


class ConditionData(NodeData):
    rules: list[Rule] = []
    logic: Literal["and", "or"] = "and"


class SetVariableData(NodeData):
    variable: str | None = None
    value: Scalar = ""
    mode: Literal["set", "increment"] = "set"


class TagData(NodeData):
    add: list[str] = []
    remove: list[str] = []


class HttpRequestData(NodeData):
    method: str = "GET"
    url: str = ""
    headers: dict[str, str] = {}
    body: str | None = None
    timeout_s: float = 10
    response_map: dict[str, str] = {}


class AiReplyData(NodeData):
    prompt: str | None = None
    use_knowledge: bool = False


class HandoffData(NodeData):
    text: str | None = None
    note: str | None = None


class DelayData(NodeData):
    amount: int
    unit: DelayUnit

    @property
    def seconds(self) -> int:
        return self.amount * DELAY_UNIT_SECONDS[self.unit]


class GotoFlowData(NodeData):
    flow_id: str | None = None


class GoalData(NodeData):
    name: str | None = None


class RandomizerBranch(_Model):
    id: str
    label: str | None = None
    # Any, so that validation can say in words what is wrong with "abc" or 0.5; a flow
    # that passed validation always holds an integer 1..100 here.
    weight: Any = 50


class RandomizerData(NodeData):
    branches: list[RandomizerBranch] = []


class TemplateData(NodeData):
    name: str | None = None
    language: str = "pt_BR"
    variables: list[str] = []
    # the https link of the template's image / video / document header (may use {{vars}})
    header_link: str | None = None


class ConsentData(NodeData):
    pass


ReminderUnit = Literal["minutes", "hours", "days"]


class ReminderData(NodeData):
    date: str = ""
    time: str = ""
    before_amount: int = 1
    before_unit: ReminderUnit = "days"

    @property
    def before_seconds(self) -> int:
        return self.before_amount * DELAY_UNIT_SECONDS[self.before_unit]


class EndData(NodeData):
    pass


DATA_MODELS: dict[str, type[NodeData]] = {
    "start": StartData,
    "message": MessageData,
    "question": QuestionData,
    "condition": ConditionData,
    "set_variable": SetVariableData,
    "tag": TagData,
    "http_request": HttpRequestData,
    "ai_reply": AiReplyData,
    "handoff": HandoffData,
    "delay": DelayData,
    "goto_flow": GotoFlowData,
    "goal": GoalData,
    "randomizer": RandomizerData,
    "template": TemplateData,
    "consent": ConsentData,
    "reminder": ReminderData,
    "end": EndData,
}


# --- nodes, edges, flow ---------------------------------------------------------------------


class _NodeBase(_Model):
    id: str
    position: Position = Position()


class StartNode(_NodeBase):
    type: Literal["start"]
    data: StartData = StartData()


class MessageNode(_NodeBase):
    type: Literal["message"]
    data: MessageData


class QuestionNode(_NodeBase):
    type: Literal["question"]
    data: QuestionData


class ConditionNode(_NodeBase):
    type: Literal["condition"]
    data: ConditionData


class SetVariableNode(_NodeBase):
    type: Literal["set_variable"]
    data: SetVariableData


class TagNode(_NodeBase):
    type: Literal["tag"]
    data: TagData


class HttpRequestNode(_NodeBase):
    type: Literal["http_request"]
    data: HttpRequestData


class AiReplyNode(_NodeBase):
    type: Literal["ai_reply"]
    data: AiReplyData = AiReplyData()


class HandoffNode(_NodeBase):
    type: Literal["handoff"]
    data: HandoffData = HandoffData()


class DelayNode(_NodeBase):
    type: Literal["delay"]
    data: DelayData


class GotoFlowNode(_NodeBase):
    type: Literal["goto_flow"]
    data: GotoFlowData


class GoalNode(_NodeBase):
    type: Literal["goal"]
    data: GoalData


class RandomizerNode(_NodeBase):
    type: Literal["randomizer"]
    data: RandomizerData


class TemplateNode(_NodeBase):
    type: Literal["template"]
    data: TemplateData


class ConsentNode(_NodeBase):
    type: Literal["consent"]
    data: ConsentData = ConsentData()


class ReminderNode(_NodeBase):
    type: Literal["reminder"]
    data: ReminderData


class EndNode(_NodeBase):
    type: Literal["end"]
    data: EndData = EndData()


AnyNode = Annotated[
    StartNode | MessageNode | QuestionNode | ConditionNode | SetVariableNode | TagNode
    | HttpRequestNode | AiReplyNode | HandoffNode | DelayNode | GotoFlowNode | GoalNode
    | RandomizerNode | TemplateNode | ConsentNode | ReminderNode | EndNode,
    Field(discriminator="type"),
]


class Edge(_Model):
    id: str = ""
    source: str
    target: str
    source_handle: str | None = Field(default=None, alias="sourceHandle")

    @property
    def handle(self) -> str:
        return self.source_handle or OUT


class Variable(_Model):
    name: str
    type: Literal["string", "number", "boolean"] | None = None
    default: Scalar = None


class Flow(_Model):
    """A parsed flow. Build it with `parse_flow` (validate.py), which checks it first."""

    version: Literal[1] = 1
    nodes: list[AnyNode]
    edges: list[Edge] = []
    variables: list[Variable] = []

    _by_id: dict[str, Any] = PrivateAttr(default_factory=dict)
    _next: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._by_id = {node.id: node for node in self.nodes}
        # First edge wins on a duplicated handle; validation reports duplicates as errors.
        for edge in self.edges:
            self._next.setdefault((edge.source, edge.handle), edge.target)

    def node(self, node_id: str | None) -> Any | None:
        return self._by_id.get(node_id) if isinstance(node_id, str) else None

    def next(self, node_id: str, handle: str) -> str | None:
        """The node an edge leaving `node_id` by `handle` leads to, if any."""
        return self._next.get((node_id, handle))

    @property
    def start(self) -> StartNode | None:
        return next((n for n in self.nodes if n.type == "start"), None)


def node_handles(kind: str, data: NodeData) -> tuple[str, ...]:
    """Every sourceHandle an edge may leave a node of this kind by."""
    if kind == "message" and isinstance(data, MessageData):
        if data.variant in ("buttons", "list"):
            return (*(opt_id for opt_id, _ in data.options()), OTHER)
        return (OUT,)
    if kind == "randomizer" and isinstance(data, RandomizerData):
        return tuple(branch.id for branch in data.branches)
    fixed = {
        "question": ("ok", "invalid"),
        "condition": ("true", "false"),
        "http_request": ("ok", "error"),
        "ai_reply": (OUT, "error"),
        "reminder": (OUT, "later"),
        "goto_flow": (),
        "end": (),
    }
    return fixed.get(kind, (OUT,))


def branch_handles(kind: str, data: NodeData) -> tuple[str, ...]:
    """Handles that are real choices, so leaving one unconnected deserves a warning."""
    if kind == "message" and isinstance(data, MessageData):
        return tuple(opt_id for opt_id, _ in data.options())
    return {
        "question": ("ok",),
        "condition": ("true", "false"),
        "http_request": ("ok", "error"),
        "reminder": ("later",),
    }.get(kind, ())
