"""Batches (several entries/changes/messages), statuses, error webhooks, other fields."""

from __future__ import annotations

import copy
import json

import pytest

from ylada_app.channels.whatsapp_cloud.webhook import (
    parse_webhook,
    should_apply_status,
)

from . import meta_examples as ex


def raw(body) -> bytes:
    return json.dumps(body).encode()


def _msg(wamid: str, body: str, sender: str = ex.USER, ts: str = "1749416383") -> dict:
    return {"from": sender, "id": wamid, "timestamp": ts, "type": "text", "text": {"body": body}}


def test_several_entries_changes_messages_and_statuses_in_one_post():
    v1 = ex.base_value()
    v1["contacts"].append({"profile": {"name": "João"}, "wa_id": "5511987654321"})
    v1["messages"] = [_msg("wamid.A1", "oi"), _msg("wamid.A2", "tudo bem?", "5511987654321")]
    v2 = ex.base_value(with_contacts=False)
    v2["metadata"]["phone_number_id"] = "222"
    v2["statuses"] = [ex.status("wamid.S1", "delivered"), ex.status("wamid.S2", "read")]
    v3 = ex.base_value()
    v3["metadata"]["phone_number_id"] = "333"
    v3["messages"] = [_msg("wamid.C1", "terceiro")]
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "waba-1",
                "changes": [{"field": "messages", "value": v1}, {"field": "messages", "value": v2}],
            },
            {"id": "waba-2", "changes": [{"field": "messages", "value": v3}]},
        ],
    }
    parsed = parse_webhook(raw(body))
    assert [m.wamid for m in parsed.messages] == ["wamid.A1", "wamid.A2", "wamid.C1"]
    assert [m.contact_name for m in parsed.messages] == [ex.NAME, "João", ex.NAME]
    assert [m.phone_number_id for m in parsed.messages] == [ex.PHONE_ID, ex.PHONE_ID, "333"]
    assert parsed.messages[2].waba_id == "waba-2"
    assert [(s.wamid, s.status, s.phone_number_id) for s in parsed.statuses] == [
        ("wamid.S1", "delivered", "222"),
        ("wamid.S2", "read", "222"),
    ]
    assert parsed.unsupported == [] and parsed.errors == []
    assert parsed.phone_number_ids == {ex.PHONE_ID, "222", "333"}


def test_sent_status_with_conversation_and_pricing():
    parsed = parse_webhook(
        raw(ex.status_webhook(ex.status(ex.WAMID, "sent", **ex.SENT_STATUS_EXTRA)))
    )
    [s] = parsed.statuses
    assert (s.status, s.timestamp, s.recipient_id) == ("sent", 1750263773, ex.USER)
    assert s.conversation["origin"]["type"] == "service"
    assert s.pricing["category"] == "utility" and s.errors == []


def test_failed_status_carries_the_errors():
    parsed = parse_webhook(
        raw(ex.status_webhook(ex.status(ex.WAMID, "failed", errors=ex.FAILED_STATUS_ERRORS)))
    )
    [s] = parsed.statuses
    assert s.status == "failed"
    assert s.errors[0]["code"] == 131047 and s.errors[0]["title"] == "Re-engagement message"
    assert "24 hours" in s.errors[0]["details"]


def test_out_of_order_statuses_are_all_reported_in_arrival_order():
    body = ex.status_webhook(
        ex.status("wamid.X", "read", "1750000030"),
        ex.status("wamid.X", "sent", "1750000010"),
        ex.status("wamid.X", "delivered", "1750000020"),
        ex.status("wamid.X", "delivered", "1750000020"),  # Meta retries: duplicates happen
    )
    statuses = parse_webhook(raw(body)).statuses
    assert [s.status for s in statuses] == ["read", "sent", "delivered", "delivered"]
    current = None
    for s in statuses:
        if should_apply_status(current, s.status):
            current = s.status
    assert current == "read"


@pytest.mark.parametrize(
    ("current", "new", "apply"),
    [
        (None, "sent", True),
        ("sent", "delivered", True),
        ("delivered", "sent", False),
        ("read", "delivered", False),
        ("read", "read", False),
        ("sent", "failed", True),
        ("delivered", "failed", False),  # a late "failed" never undoes a delivery
        ("failed", "read", True),  # multi-device: read after failed wins
        (None, "some_future_status", True),
        ("sent", "some_future_status", False),
    ],
)
def test_should_apply_status(current, new, apply):
    assert should_apply_status(current, new) is apply


def test_error_webhook():
    parsed = parse_webhook(raw(ex.errors_webhook()))
    [err] = parsed.errors
    assert err.phone_number_id == ex.PHONE_ID and err.code == 130429
    assert err.title == "Rate limit hit"
    assert err.details == "Cloud API message throughput has been reached."
    assert parsed.messages == [] and parsed.statuses == []


def test_a_template_review_is_parsed():
    parsed = parse_webhook(raw(ex.template_status_webhook()))
    assert parsed.unsupported == [] and not parsed.is_empty
    [t] = parsed.template_updates
    assert (t.waba_id, t.event, t.template_id, t.name, t.language) == (
        ex.WABA_ID, "APPROVED", "1689556908129832", "order_confirmation", "pt_BR")


def test_other_fields_are_recorded_as_unsupported():
    body = ex.template_status_webhook()
    body["entry"][0]["changes"][0]["field"] = "calls"
    parsed = parse_webhook(raw(body))
    [u] = parsed.unsupported
    assert u.reason == "field:calls"
    assert u.field == "calls" and u.waba_id == ex.WABA_ID
    assert parsed.template_updates == [] and parsed.number_updates == []


def _change(field: str, value) -> bytes:
    return raw({"object": "whatsapp_business_account",
                "entry": [{"id": ex.WABA_ID, "changes": [{"field": field, "value": value}]}]})


def test_quality_and_limit_updates_are_parsed():
    parsed = parse_webhook(_change("phone_number_quality_update", {
        "display_phone_number": "+1 555-078-3881", "event": "downgrade",
        "current_limit": "tier_250", "old_limit": "TIER_1K"}))
    [u] = parsed.number_updates
    assert (u.field, u.event, u.phone_number, u.current_limit, u.waba_id) == (
        "phone_number_quality_update", "DOWNGRADE", "15550783881", "TIER_250", ex.WABA_ID)
    assert parsed.unsupported == [] and not parsed.is_empty


def test_account_warnings_keep_their_reason_and_date():
    [ban] = parse_webhook(_change("account_update", {
        "event": "DISABLED_UPDATE",
        "ban_info": {"waba_ban_state": ["SCHEDULE_FOR_DISABLE"],
                     "waba_ban_date": "2026-12-20"}})).number_updates
    assert (ban.event, ban.detail, ban.phone_number) == (
        "DISABLED_UPDATE", "SCHEDULE_FOR_DISABLE", None)
    assert ban.until == 1797724800  # 2026-12-20 00:00 UTC
    [limit] = parse_webhook(_change("account_update", {
        "phone_number": "15550783881", "event": "ACCOUNT_RESTRICTION",
        "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING",
                              "expiration": 1798675200}]})).number_updates
    assert (limit.detail, limit.until) == ("RESTRICTED_BIZ_INITIATED_MESSAGING", 1798675200)
    [violation] = parse_webhook(_change("account_update", {
        "event": "ACCOUNT_VIOLATION", "violation_info": {"violation_type": "SCAM"}})
    ).number_updates
    assert violation.detail == "SCAM"


@pytest.mark.parametrize("value", [
    {"event": 7, "ban_info": "x", "restriction_info": {"a": 1}},
    {"event": "X", "ban_info": {"waba_ban_date": "99999-01-01", "waba_ban_state": [None, 1]},
     "restriction_info": [None, "x", {"expiration": "0001-01-01T00:00:00"}]},
    {"event": "A" * 5000, "phone_number": {"x": 1}, "current_limit": ["TIER_1K"]},
])
def test_odd_account_updates_never_raise(value):
    parsed = parse_webhook(_change("account_update", value))
    for u in parsed.number_updates:
        assert len(u.event) <= 60 and u.until >= 0 and len(u.detail) <= 300


def test_marketing_stops_are_parsed_and_other_preferences_are_not():
    parsed = parse_webhook(_change("user_preferences", {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": ex.DISPLAY, "phone_number_id": ex.PHONE_ID},
        "contacts": [{"wa_id": ex.USER, "profile": {"name": ex.NAME}}],
        "user_preferences": [
            {"wa_id": ex.USER, "detail": "User requested to stop marketing messages",
             "category": "marketing_messages", "value": "stop", "timestamp": 1731705721},
            {"wa_id": ex.USER, "category": "something_else", "value": "stop"},
            {"wa_id": ex.USER, "category": "marketing_messages", "value": "maybe"},
            "garbage"]}))
    [p] = parsed.preferences
    assert (p.phone_number_id, p.wa_id, p.value, p.timestamp) == (
        ex.PHONE_ID, ex.USER, "stop", 1731705721)
    nothing = parse_webhook(_change("user_preferences", {"user_preferences": [{"x": 1}]}))
    assert nothing.preferences == [] and nothing.unsupported[0].reason == "field:user_preferences"


def test_other_object_is_not_parsed():
    body = ex.message_webhook(ex.TEXT)
    body["object"] = "page"
    parsed = parse_webhook(raw(body))
    assert parsed.messages == [] and parsed.unsupported[0].reason == "object:page"
    assert parsed.object == "page"


def test_one_malformed_item_does_not_cost_the_others():
    body = ex.message_webhook(ex.TEXT)
    value = body["entry"][0]["changes"][0]["value"]
    value["messages"] += [
        "not a dict",
        {"type": "text", "text": {"body": "no id, no sender"}},
        {
            "from": ex.USER,
            "id": "wamid.OK2",
            "timestamp": "x",
            "type": "text",
            "text": "body should be an object",
        },
        {
            "from": ex.USER,
            "id": "wamid.OK3",
            "timestamp": "1",
            "type": "text",
            "text": {"body": ["not", "a", "string"]},
        },
    ]
    value["statuses"] = [{"id": "wamid.NOSTATUS"}, ex.status("wamid.S", "sent")]
    body["entry"] += [
        42,
        {"id": "x", "changes": "nope"},
        {"changes": [None, {"field": "messages"}]},
    ]
    parsed = parse_webhook(raw(body))
    assert [m.wamid for m in parsed.messages] == [ex.WAMID, "wamid.OK2", "wamid.OK3"]
    assert parsed.messages[1].text is None and parsed.messages[1].timestamp == 0
    assert [s.wamid for s in parsed.statuses] == ["wamid.S"]
    reasons = sorted(u.reason for u in parsed.unsupported)
    assert reasons == sorted(
        [
            "malformed_message",
            "malformed_message",
            "malformed_status",
            "malformed_entry",
            "malformed_entry",
            "malformed_change",
            "malformed_change",
        ]
    )


def test_value_without_known_content():
    body = ex.envelope(
        {
            "messaging_product": "whatsapp",
            "metadata": {"phone_number_id": "1"},
            "message_echoes": [],
        }
    )
    parsed = parse_webhook(raw(body))
    assert parsed.unsupported[0].reason == "no_known_content"
    assert parsed.unsupported[0].phone_number_id == "1"


def test_missing_metadata_still_parses_messages():
    body = ex.message_webhook(ex.TEXT)
    del body["entry"][0]["changes"][0]["value"]["metadata"]
    [m] = parse_webhook(raw(body)).messages
    assert m.phone_number_id == "" and m.display_phone_number is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b'"text"',
        b"{",
        b"\xff\xfe\x00",
        b"{}",
        b'{"object": null}',
        b'{"object":"whatsapp_business_account"}',
        b'{"object":"whatsapp_business_account","entry":{}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": 1' + b"0" * 5000 + b"}",
    ],
)
def test_garbage_never_raises(body):
    parsed = parse_webhook(body)
    assert parsed.messages == [] and parsed.unsupported


def test_empty_entry_list_is_just_empty():
    parsed = parse_webhook(b'{"object":"whatsapp_business_account","entry":[]}')
    assert parsed.is_empty


def test_nan_and_huge_numbers_in_location_are_dropped():
    body = ex.message_webhook(ex.LOCATION)
    text = json.dumps(body).replace("37.483307", "NaN").replace("-122.148981", "1e400")
    [m] = parse_webhook(text.encode()).messages
    assert m.location.latitude is None and m.location.longitude is None


def test_input_is_not_mutated_and_raw_is_the_message():
    body = ex.message_webhook(ex.BUTTON_REPLY)
    before = copy.deepcopy(body)
    [m] = parse_webhook(raw(body)).messages
    assert body == before
    assert m.raw == body["entry"][0]["changes"][0]["value"]["messages"][0]


def test_name_decisions_and_daily_limits_are_parsed():
    [name] = parse_webhook(_change("phone_number_name_update", {
        "display_phone_number": "15550783881", "decision": "approved",
        "requested_verified_name": "Loja Demo", "rejection_reason": "NONE"})).number_updates
    assert (name.event, name.name, name.detail, name.phone_number) == (
        "APPROVED", "Loja Demo", "", "15550783881")
    [limit] = parse_webhook(_change("business_capability_update", {
        "max_daily_conversation_per_phone": 1000})).number_updates
    assert (limit.event, limit.current_limit) == ("CAPABILITY_UPDATE", "TIER_1K")
    odd = parse_webhook(_change("business_capability_update", {
        "max_daily_conversation_per_phone": 12345}))
    assert odd.number_updates == [] and odd.unsupported


def test_a_template_category_change_is_parsed():
    [t] = parse_webhook(_change("template_category_update", {
        "message_template_id": 1689556908129832, "message_template_name": "order_update",
        "message_template_language": "pt_BR", "previous_category": "UTILITY",
        "new_category": "MARKETING"})).template_updates
    assert (t.event, t.category, t.template_id, t.name) == (
        "CATEGORY", "MARKETING", "1689556908129832", "order_update")
    odd = parse_webhook(_change("template_category_update", {"new_category": "WHATEVER"}))
    assert odd.template_updates == [] and odd.unsupported


def test_a_template_quality_change_is_parsed():
    [t] = parse_webhook(_change("message_template_quality_update", {
        "previous_quality_score": "GREEN", "new_quality_score": "red",
        "message_template_id": 806312974732579, "message_template_name": "order_update",
        "message_template_language": "pt_BR"})).template_updates
    assert (t.event, t.quality, t.template_id, t.name, t.language) == (
        "QUALITY", "RED", "806312974732579", "order_update", "pt_BR")
    odd = parse_webhook(_change("message_template_quality_update", {"new_quality_score": "?"}))
    assert odd.template_updates == [] and odd.unsupported
