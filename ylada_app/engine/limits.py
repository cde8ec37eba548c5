"""Limits: what the WhatsApp Cloud API accepts, and the caps that keep the engine bounded."""

from __future__ import annotations

# WhatsApp Cloud API message limits.
TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
HEADER_MAX = 60
FOOTER_MAX = 60
CAPTION_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_BUTTON_LABEL_MAX = 20
LIST_ROWS_MAX = 10
LIST_SECTIONS_MAX = 10
LIST_SECTION_TITLE_MAX = 24
LIST_ROW_TITLE_MAX = 24
LIST_ROW_DESCRIPTION_MAX = 72
LIST_ROW_ID_MAX = 200
MEDIA_URL_MAX = 2000
FILENAME_MAX = 240

# Flow size caps: an editor never needs more, and validation stays cheap.
MAX_NODES = 2000
MAX_EDGES = 5000
MAX_VARIABLES = 200
MAX_ID_LEN = 100
MAX_LABEL_LEN = 100
MAX_TRIGGERS = 20
MAX_KEYWORDS = 50
MAX_KEYWORD_LEN = 100
MAX_RULES = 50
MAX_CHOICES = 50
MAX_TAGS_PER_NODE = 20
TAG_MAX_LEN = 50
GOAL_NAME_MAX = 100
NOTE_MAX = 1000
PROMPT_MAX = 4000
QUESTION_MAX_RETRIES = 10

# http_request node.
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HTTP_URL_MAX = 2000
HTTP_BODY_MAX = 10_000
HTTP_HEADERS_MAX = 20
HTTP_HEADER_VALUE_MAX = 1000
HTTP_TIMEOUT_DEFAULT = 10
HTTP_TIMEOUT_MAX = 30
RESPONSE_MAP_MAX = 20
JSON_PATH_MAX = 200
JSON_PATH_DEPTH = 20

# delay node: one second up to thirty days.
DELAY_MIN_SECONDS = 1
DELAY_MAX_SECONDS = 30 * 24 * 3600

# randomizer node (an A/B split): 2..6 branches, integer weights.
RANDOMIZER_BRANCHES_MIN = 2
RANDOMIZER_BRANCHES_MAX = 6
RANDOMIZER_WEIGHT_MIN = 1
RANDOMIZER_WEIGHT_MAX = 100
RANDOMIZER_BRANCH_ID_MAX = 40  # short: it is also an analytics key
RANDOMIZER_LABEL_MAX = 40

# template node: WhatsApp's rules for a template send (name format, one value per {{n}}).
TEMPLATE_NAME_MAX = 512
TEMPLATE_VARIABLES_MAX = 30
TEMPLATE_PARAM_MAX = 1024

# Regex conditions: Python's `re` has no timeout, so both sides are capped (see conditions.py).
REGEX_PATTERN_MAX = 200
REGEX_INPUT_MAX = 300
REGEX_UNBOUNDED_QUANTIFIERS_MAX = 3

# Templates and session state.
TEMPLATE_MAX = 8192
VAR_VALUE_MAX = 4096
STATE_VARS_MAX = 200
LAST_INPUT_MAX = 1000
# Delays that woke the flow since the customer last wrote: a cycle through a delay block
# (message → wait 1 s → message…) would otherwise message a silent customer forever — the
# per-call step budget starts afresh at every wake. A drip sequence needs a handful.
QUIET_WAKES_MAX = 30
