"""Fixtures of the pages' state tests."""

from __future__ import annotations

import pytest

from tests.factories import make_business_owner, make_instance, make_owner


@pytest.fixture
def two_businesses(db):
    """(owner of A, owner of B, A's number): the setup of every isolation test — B's owner
    sends the events, A's data must stay out of reach."""
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst_a = make_instance(db, a.tenant_id, name="Número de A")
    make_instance(db, b.tenant_id, name="Número de B")
    return a, b, inst_a


@pytest.fixture
def business_owner(db):
    """(owner, simulator number) of a business on the Business plan (API, webhooks, white
    label): the pages of every paid feature can be driven."""
    a = make_business_owner(db, tenant_name="Loja Auditada")
    return a, make_instance(db, a.tenant_id, name="Vendas")
