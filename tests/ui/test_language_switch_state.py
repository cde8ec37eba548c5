"""Switching the language re-words what the shell already shows: the trial banner was read
once in pt-BR and stayed so on every English page until its cache ran out."""

from __future__ import annotations

from tests.factories import make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.state.session import SessionState


def test_the_trial_banner_follows_the_language_switch(db):
    owner = make_owner(db)
    state = _state(SessionState, owner.token)
    _run(SessionState.guard_page, state)
    assert state.banner_text.startswith("Você está no plano Grátis"), state.banner_text
    assert "até 1.000 mensagens" in state.banner_text
    _run(SessionState.toggle_lang, state)
    assert state.lang == "en"
    assert state.banner_text.startswith("You are on the free plan"), state.banner_text
    assert "up to 1,000 messages" in state.banner_text  # (a count as English writes it)
    _run(SessionState.toggle_lang, state)
    assert state.banner_text.startswith("Você está no plano Grátis"), state.banner_text


def test_plan_cards_write_counts_as_the_pages_language_does(db):
    from sqlmodel import select

    from ylada_app.models import Plan
    from ylada_app.pages.plan_cards import plan_row

    pro = db.exec(select(Plan).where(Plan.code == "pro")).one()
    assert plan_row(pro)["messages"] == "50.000"
    assert plan_row(pro, lang="en")["messages"] == "50,000"
    assert plan_row(pro, lang="en")["ai"] == "1,000,000"
