"""Meta's identity notices (changelog, Aug 2026): "user_changed_user_id" (the customer's
business-scoped user id, BSUID, changed) and "user_changed_number" now carrying the previous
and the new BSUID. Parsed defensively: every field may be missing or of the wrong type, and
the message is kept under the identity the customer had *before* the change, so that it
reaches the contact the change is about (not a new one made for the new BSUID).

A change on the field "user_id_update" (not a subscribable field: Meta corrected its docs)
is not applied; it is kept as an unsupported change for the diagnostics.
"""

from __future__ import annotations

import json

import pytest

from ylada_app.channels.whatsapp_cloud.webhook import parse_webhook

from . import meta_examples as ex

OLD, NEW = "BR.1349010098765432", "BR.5566778899001122"
PARENT_OLD, PARENT_NEW = "BR.PARENT.1111", "BR.PARENT.2222"


def _doc(message: dict, field: str = "messages") -> bytes:
    value = ex.base_value(False)  # (system messages come without a `contacts` array)
    value["messages"] = [message]
    return json.dumps(ex.envelope(value, field)).encode()


def _user_id_changed(**top) -> dict:
    return {"id": ex.WAMID, "timestamp": "1786000000", "type": "system",
            "system": {"body": "User Ana changed their user ID", "type": "user_changed_user_id",
                       "user_id": NEW, "previous_user_id": OLD,
                       "parent_user_id": PARENT_NEW, "previous_parent_user_id": PARENT_OLD},
            **top}


def test_a_user_id_change_without_from_is_kept_under_the_previous_user_id():
    [m] = parse_webhook(_doc(_user_id_changed())).messages
    assert m.type == "system" and m.subtype == "user_changed_user_id" and m.supported
    assert (m.from_wa_id, m.from_user_id) == (OLD, OLD)
    assert m.system["user_id"] == NEW and m.system["previous_user_id"] == OLD
    assert m.system["parent_user_id"] == PARENT_NEW
    assert m.system["previous_parent_user_id"] == PARENT_OLD
    assert m.contact_name is None


def test_a_user_id_change_from_the_phone_with_the_new_bsuid_is_the_old_identity():
    [m] = parse_webhook(_doc(_user_id_changed(**{"from": ex.USER, "from_user_id": NEW}))
                        ).messages
    assert (m.from_wa_id, m.from_user_id) == (ex.USER, OLD)
    assert m.raw["from_user_id"] == NEW  # (what Meta sent stays in the stored raw message)


def test_a_number_change_carries_the_new_and_the_previous_bsuid():
    msg = {"from": "16505551234", "from_user_id": NEW, "id": ex.WAMID,
           "timestamp": "1786000000", "type": "system",
           "system": {"body": "User Ana changed from 16505551234 to 16505553333",
                      "wa_id": "16505553333", "type": "user_changed_number",
                      "user_id": NEW, "previous_user_id": OLD,
                      "parent_user_id": PARENT_NEW, "previous_parent_user_id": PARENT_OLD}}
    [m] = parse_webhook(_doc(msg)).messages
    assert (m.from_wa_id, m.from_user_id) == ("16505551234", OLD)
    assert m.system["new_wa_id"] == "16505553333"
    assert (m.system["user_id"], m.system["previous_user_id"]) == (NEW, OLD)


@pytest.mark.parametrize("system", [
    None, "user_changed_user_id", 42, [], {"type": ["user_changed_user_id"]},
    {"type": "user_changed_user_id", "user_id": {"id": NEW}, "previous_user_id": 7.5},
    {"type": "user_changed_user_id", "user_id": None, "previous_user_id": ""},
    {"type": "user_changed_user_id", "user_id": NEW, "previous_user_id": "x" * 5000},
])
@pytest.mark.parametrize("top", [{}, {"from": None, "from_user_id": {"a": 1}}, {"from": 5}])
def test_odd_identity_notices_never_raise(system, top):
    msg = {"id": ex.WAMID, "timestamp": "1786000000", "type": "system", "system": system,
           **top}
    parsed = parse_webhook(_doc(msg))
    for m in parsed.messages:  # kept when it names someone, else recorded as malformed
        assert m.from_wa_id and m.type == "system"
    assert parsed.messages or [u.reason for u in parsed.unsupported] == ["malformed_message"]


def test_a_user_id_update_change_is_not_applied_but_recorded():
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": ex.PHONE_ID},
             "user_id_update": [{"previous_user_id": OLD, "user_id": NEW}]}
    parsed = parse_webhook(json.dumps(ex.envelope(value, "user_id_update")).encode())
    assert parsed.messages == []
    [u] = parsed.unsupported
    assert (u.reason, u.field, u.phone_number_id) == ("field:user_id_update", "user_id_update",
                                                      ex.PHONE_ID)
