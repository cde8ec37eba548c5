"""Property tests: parse_webhook never raises, whatever arrives."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ylada_app.channels.whatsapp_cloud.webhook import ParsedWebhook, parse_webhook

from . import meta_examples as ex

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the repo
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
EXAMPLES = [
    ex.TEXT,
    ex.BUTTON_REPLY,
    ex.LIST_REPLY,
    ex.NFM_REPLY,
    ex.TEMPLATE_BUTTON,
    ex.IMAGE,
    ex.AUDIO_VOICE,
    ex.DOCUMENT,
    ex.STICKER,
    ex.LOCATION,
    ex.CONTACTS,
    ex.REACTION,
    ex.ORDER,
    ex.SYSTEM_CHANGED_NUMBER,
    ex.UNSUPPORTED,
    ex.REFERRAL,
]


def _check(parsed: ParsedWebhook) -> None:
    assert isinstance(parsed, ParsedWebhook)
    for m in parsed.messages:
        assert isinstance(m.wamid, str) and m.wamid
        assert isinstance(m.from_wa_id, str) and m.from_wa_id
        assert isinstance(m.phone_number_id, str)
        assert isinstance(m.timestamp, int) and m.timestamp >= 0
        assert m.text is None or isinstance(m.text, str)
        assert m.payload is None or isinstance(m.payload, str)
    for s in parsed.statuses:
        assert isinstance(s.wamid, str) and isinstance(s.status, str)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    _check(parse_webhook(data))


@FUZZ
@given(json_values)
def test_random_json(value):
    _check(parse_webhook(json.dumps(value).encode()))


def _paths(node, prefix=()):
    """Every (path) inside a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, (*prefix, index))


def _replace(doc, path, new):
    if not path:
        return new
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return doc


@FUZZ
@given(st.sampled_from(EXAMPLES), st.data())
def test_realistic_payload_with_one_field_replaced_by_garbage(example, data):
    body = ex.message_webhook(example)
    body["entry"][0]["changes"][0]["value"]["statuses"] = [
        ex.status(ex.WAMID, "failed", errors=ex.FAILED_STATUS_ERRORS)
    ]
    paths = list(_paths(body))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        body = _replace(copy.deepcopy(body), path, data.draw(json_values))
        paths = list(_paths(body))
    _check(parse_webhook(json.dumps(body).encode()))


@FUZZ
@given(st.sampled_from(EXAMPLES), st.integers(0, 400))
def test_truncated_realistic_payload(example, cut):
    raw = json.dumps(ex.message_webhook(example)).encode()
    _check(parse_webhook(raw[:cut]))
