"""The reminder block in the engine: it sets a reminder for a moment before a date the
customer gave and goes on at once; when the caller feeds the reminder back, the flow resumes
from the block's "later" way out with the variables of the moment it was set — whatever the
contact did since. Pure: no database, no clock."""

from __future__ import annotations

from tests.engine.builders import (
    Conversation,
    action_types,
    edge,
    event_types,
    flow,
    flowset,
    kw,
    node,
    start,
    texts,
)
from ylada_app.engine import validate_flow
from ylada_app.engine.validators import local_moment

BOOKING = flow(
    [start(kw("agendar")),
     node("data", "question", text="Para qual data?", variable="data", validator="date"),
     node("hora", "question", text="Qual horário?", variable="horario", validator="choice",
          choices=["09:00", "14:00"]),
     node("lembrete", "reminder", date="{{vars.data}}", time="{{vars.horario}}",
          before_amount=1, before_unit="days"),
     node("ok", "message", text="Agendado para {{vars.data}} às {{vars.horario}}."),
     node("aviso", "message", text="Lembrete: amanhã às {{vars.horario}} ({{vars.data}}).")],
    [edge("start", "data"), edge("data", "hora", "ok"), edge("hora", "lembrete", "ok"),
     edge("lembrete", "ok"), edge("lembrete", "aviso", "later")])
MENU = flow([start(kw("oi")), node("m", "message", text="Olá! Como posso ajudar?")],
            [edge("start", "m")])


def booked(day: str = "10/12/2026", hour: str = "14:00") -> tuple[Conversation, dict]:
    conv = Conversation(flowset({"agenda": BOOKING, "menu": MENU}))
    conv.say("agendar")
    conv.say(day)
    result = conv.say(hour)
    reminders = [a for a in result.actions if a["type"] == "reminder"]
    assert len(reminders) == 1, result.actions
    return conv, reminders[0]


def test_the_block_validates_and_its_later_way_out_must_be_connected():
    assert validate_flow(BOOKING).ok
    loose = dict(BOOKING, edges=[e for e in BOOKING["edges"] if e.get("sourceHandle") != "later"])
    report = validate_flow(loose)
    assert report.ok
    warning = next(w for w in report.warnings if w.code == "unconnected_branch")
    assert "no horário do lembrete" in warning.message and "later" not in warning.message


def test_a_literal_date_or_time_that_cannot_be_read_is_an_error_in_words():
    bad = flow([start(kw("x")), node("r", "reminder", date="31/02/2026", time="25h")],
               [edge("start", "r")])
    report = validate_flow(bad)
    codes = {e.code for e in report.errors}
    assert {"invalid_date", "invalid_time"} <= codes
    assert all("{{" not in e.message for e in report.errors)
    blank = flow([start(kw("x")), node("r", "reminder", date=" ")], [edge("start", "r")])
    assert "missing_date" in {e.code for e in validate_flow(blank).errors}


def test_setting_a_reminder_goes_on_at_once_with_the_local_moment_and_the_variables():
    conv, reminder = booked()
    assert texts(conv.last) == ["Agendado para 2026-12-10 às 14:00."]
    assert reminder["local_at"] == "2026-12-10T14:00:00"
    assert reminder["before_s"] == 86400
    assert reminder["flow_id"] == "agenda" and reminder["node_id"] == "lembrete"
    assert "vars" not in reminder
    assert conv.state["status"] == "ended"  # nothing waits: the contact is free meanwhile


def test_the_reminder_resumes_from_later_with_the_variables_as_they_are_then():
    conv, reminder = booked()
    conv.say("oi")  # talks about something else, and reschedules to another time
    conv.say("agendar")
    conv.say("10/12/2026")
    conv.say("09:00")
    conv.say("oi")
    result = conv.event({"kind": "reminder", "flow_id": reminder["flow_id"],
                         "node_id": reminder["node_id"]})
    assert texts(result) == ["Lembrete: amanhã às 09:00 (2026-12-10)."]
    assert "reminder_fired" in event_types(result)


def test_a_reminder_interrupts_a_question_but_never_a_person_attending():
    conv, reminder = booked()
    conv.say("agendar")  # now waiting for a date
    event = {"kind": "reminder", "flow_id": "agenda", "node_id": "lembrete"}
    result = conv.event(event)
    assert texts(result) == ["Lembrete: amanhã às 14:00 (2026-12-10)."]
    # the question gave way: an answer now is not taken as the date it asked for
    assert conv.state["status"] == "ended"
    assert texts(conv.say("15/12/2026")) == []
    conv.state["status"] = "human"
    result = conv.event(event)
    assert texts(result) == [] and "reminder_ignored" in event_types(result)


def test_a_reminder_whose_block_is_gone_does_nothing():
    conv, reminder = booked()
    result = conv.event({"kind": "reminder", "flow_id": "agenda", "node_id": "sumiu"})
    assert texts(result) == [] and "reminder_missing" in event_types(result)
    result = conv.event({"kind": "reminder", "flow_id": "agenda", "node_id": "ok"})
    assert texts(result) == [] and "reminder_missing" in event_types(result)


def test_an_opted_out_contact_gets_no_reminder():
    conv, reminder = booked()
    conv.say("SAIR")
    result = conv.event({"kind": "reminder", "flow_id": "agenda", "node_id": "lembrete"})
    assert texts(result) == []


def test_a_date_that_cannot_be_read_sets_nothing_and_goes_on():
    loose = flow([start(kw("x")), node("r", "reminder", date="{{vars.nada}}"),
                  node("ok", "message", text="Seguimos.")],
                 [edge("start", "r"), edge("r", "ok")])
    conv = Conversation(flowset({"f": loose}))
    result = conv.say("x")
    assert "reminder" not in action_types(result)
    assert "reminder_invalid" in event_types(result)
    assert texts(result) == ["Seguimos."]


def test_dates_and_times_as_customers_and_questions_write_them():
    assert str(local_moment("2026-12-10", "14h30")) == "2026-12-10 14:30:00"
    assert str(local_moment("10/12/2026", "9h")) == "2026-12-10 09:00:00"
    assert str(local_moment("10-12-2026")) == "2026-12-10 09:00:00"
    assert local_moment("10/12/2026", "24:00") is None
    assert local_moment("amanhã", "10:00") is None
