"""Fixtures of the pages' state tests."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner


@pytest.fixture
def two_businesses(db):
    """(owner of A, owner of B, A's number): the setup of every isolation test — B's owner
    sends the events, A's data must stay out of reach."""
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst_a = make_instance(db, a.tenant_id, name="Número de A")
    make_instance(db, b.tenant_id, name="Número de B")
    return a, b, inst_a
