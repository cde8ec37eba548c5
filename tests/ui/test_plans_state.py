"""/plans signed in marks the business's own plan (its card offered "Escolher este plano" like
the others, for the plan already in use); signed out, no card is anyone's."""

from __future__ import annotations

from tests.factories import make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.plans import PlansState


def test_the_own_plan_is_marked_only_for_a_signed_in_business(db):
    owner = make_owner(db)
    state = _state(PlansState, owner.token)
    _run(PlansState.load, state)
    current = [p["code"] for p in state.plans if p["current"] == "1"]
    assert len(current) == 1 and len(state.plans) > 1

    visitor = _state(PlansState, "no-such-session")
    _run(PlansState.load, visitor)
    assert visitor.plans and not [p for p in visitor.plans if p["current"] == "1"]
