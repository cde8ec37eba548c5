"""/admin's AI price table through its state handlers: only the platform admin saves or
removes prices; bad fields come back one by one in pt-BR with nothing written; the saved
table is what the page (and /usage) reads next."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_admin, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import PlatformSetting
from ylada_app.pages.admin import AdminState
from ylada_app.services import ai_costs, auth


@pytest.fixture
def admin_token(db):
    ctx = make_admin(db)
    token = auth.open_session(db, db.get(auth.User, ctx.user_id))
    db.commit()
    yield token
    db.rollback()
    row = db.get(PlatformSetting, ai_costs.PRICES_KEY)
    if row is not None:  # the table is the whole platform's: other tests expect the defaults
        db.delete(row)
        db.commit()


def _form(state: AdminState, **changes: str) -> dict[str, str]:
    """The form as the browser submits it: every row's two fields, some retyped."""
    form = {}
    for row in state.ai_prices:
        form[row["input_field"]] = row["input"]
        form[row["output_field"]] = row["output"]
    form.update(changes)
    return form


def _saved(db) -> dict:
    db.expire_all()
    row = db.get(PlatformSetting, ai_costs.PRICES_KEY)
    return dict(row.value) if row is not None else {}


def test_only_the_platform_admin_edits_the_ai_prices(db, admin_token):
    owner = make_owner(db)
    state = _state(AdminState, owner.token)
    out = _run(AdminState.save_ai_prices, state, {"input:openai/gpt-4o-mini": "0"})
    assert "/dashboard" in str(out)
    ai_costs.set_prices(db, {"openai/gpt-4o": {"input": "20", "output": "60"}})
    db.commit()
    out = _run(AdminState.remove_ai_price, state, "openai/gpt-4o")
    assert "/dashboard" in str(out) and set(_saved(db)) == {"openai/gpt-4o"}
    assert ai_costs.prices(db)[("openai", "gpt-4o-mini")] == (Decimal("0.83"), Decimal("3.30"))


def test_the_admin_edits_adds_and_resets_ai_prices(db, admin_token):
    state = _state(AdminState, admin_token)
    _run(AdminState.load, state)
    rows = {r["name"]: r for r in state.ai_prices}
    mini = rows["openai/gpt-4o-mini"]
    assert (mini["provider"], mini["model"], mini["input"], mini["output"], mini["saved"]) \
        == ("OpenAI", "gpt-4o-mini", "0,83", "3,30", "")
    assert rows["anthropic/*"]["model"] == ""  # shown as "Outros modelos", not "*"

    # Bad values: each field says what is wrong, in pt-BR; nothing saved.
    _run(AdminState.toggle_ai_adding, state)
    assert state.ai_adding
    _run(AdminState.save_ai_prices, state, _form(
        state, **{"input:openai/gpt-4o-mini": "-1", "output:anthropic/*": "abc",
                  "new_provider": "anthropic", "new_model": "", "new_input": "1"}))
    assert state.ai_price_errors == {
        "input:openai/gpt-4o-mini": "Informe um valor entre 0 e 10.000, ex.: 0,83.",
        "output:anthropic/*": "Informe um valor entre 0 e 10.000, ex.: 0,83.",
        "new_model": "Informe o nome do modelo.",
        "new_output": "Informe um valor entre 0 e 10.000, ex.: 0,83."}
    assert _saved(db) == {} and state.ai_adding

    # Comma decimals, a new model; untouched rows stay defaults (not copied as overrides).
    key = state.ai_price_key
    out = _run(AdminState.save_ai_prices, state, _form(
        state, **{"input:openai/gpt-4o-mini": "1,25", "new_provider": "anthropic",
                  "new_model": "claude-3-5-haiku", "new_input": "4", "new_output": "20,5"}))
    assert "Alterações salvas" in str(out)
    assert state.ai_price_errors == {} and not state.ai_adding and state.ai_price_key == key + 1
    assert set(_saved(db)) == {"openai/gpt-4o-mini", "anthropic/claude-3-5-haiku"}
    rows = {r["name"]: r for r in state.ai_prices}
    assert (rows["openai/gpt-4o-mini"]["input"], rows["openai/gpt-4o-mini"]["saved"]) \
        == ("1,25", "1")
    added = rows["anthropic/claude-3-5-haiku"]
    assert (added["input"], added["output"], added["custom"]) == ("4,00", "20,50", "1")
    assert ai_costs.prices(db)[("anthropic", "claude-3-5-haiku")] == (Decimal(4),
                                                                       Decimal("20.5"))

    # Back to the default price; an added model leaves the table.
    out = _run(AdminState.remove_ai_price, state, "openai/gpt-4o-mini")
    assert "Preço padrão restaurado" in str(out)
    out = _run(AdminState.remove_ai_price, state, "anthropic/claude-3-5-haiku")
    assert "Modelo removido" in str(out)
    assert _saved(db) == {}
    rows = {r["name"]: r for r in state.ai_prices}
    assert rows["openai/gpt-4o-mini"]["input"] == "0,83"
    assert "anthropic/claude-3-5-haiku" not in rows


def test_the_template_price_table_still_saves_through_the_shared_handler(db, admin_token):
    from ylada_app.services import broadcasts

    state = _state(AdminState, admin_token)
    _run(AdminState.load, state)
    try:
        _run(AdminState.save_prices, state, {**state.prices, "MARKETING": "abc"})
        assert set(state.price_errors) == {"MARKETING"} and state.ai_price_errors == {}
        out = _run(AdminState.save_prices, state, {**state.prices, "MARKETING": "0,5"})
        assert "Alterações salvas" in str(out) and state.price_errors == {}
        assert state.prices["MARKETING"] == "0,50"
    finally:
        db.rollback()
        row = db.get(PlatformSetting, broadcasts.PRICES_KEY)
        if row is not None:
            db.delete(row)
            db.commit()
