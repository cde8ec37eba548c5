"""An opt-out is said to the business, not to one of its numbers: a person who told one
number to stop is out of the audiences of the business's other numbers too (found by review,
fixed)."""

from __future__ import annotations

from tests.factories import make_instance, make_owner
from ylada_app.services import broadcasts, contacts
from ylada_app.services.broadcasts import Audience


def test_an_opt_out_on_one_number_keeps_the_person_out_of_the_same_businesss_broadcasts(db):
    owner = make_owner(db)
    sales = make_instance(db, owner.tenant_id, name="Vendas")
    support = make_instance(db, owner.tenant_id, name="Suporte")
    people = {}
    for inst in (sales, support):
        people[inst.id], _ = contacts.upsert_contact(
            db, tenant_id=owner.tenant_id, instance_id=inst.id, phone="11987009876",
            name="Ana", opted_in=True)
    db.commit()
    # Ana tells the business, on the sales number, to stop
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=people[sales.id].id,
                           opted_out=True)
    db.commit()
    assert broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=sales.id,
                                     audience=Audience()) == 0
    # the same business's other number still plans a marketing broadcast to her
    assert broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=support.id,
                                     audience=Audience()) == 0
