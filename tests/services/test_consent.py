"""Consent to marketing: recorded with when and where (API, import, the team by hand), never
over a contact's own opt-out by an import, withdrawn on request; an opt-out keeps the record
(proof of what was given) but takes the contact out of every broadcast audience."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import Contact
from ylada_app.services import broadcasts, contacts
from ylada_app.services.broadcasts import Audience


def test_consent_sources_and_the_audience(db):
    owner = make_owner(db, tenant_name="Loja Consentimento")
    inst = make_instance(db, owner.tenant_id, name="Vendas")
    api, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     phone="11987650001", name="Pela API", opted_in=True)
    manual, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                        phone="11987650002", name="À mão")
    left, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      phone="11987650003", name="Saiu", opted_out=True)
    contacts.set_opted_in(db, tenant_id=owner.tenant_id, contact_id=manual.id, opted_in=True)
    db.commit()
    contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             filename="lista.csv", consent=True,
                             data=b"telefone;nome\n11987650003;Saiu\n11987650004;Da planilha\n")
    contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             filename="outra.csv",
                             data=b"telefone;nome\n11987650005;Sem consentimento\n")
    db.commit()
    rows = {c.name: c for c in db.exec(select(Contact).where(
        Contact.instance_id == inst.id)).all()}
    assert rows["Pela API"].opt_in_source == "api" and rows["Pela API"].opted_in_at
    assert rows["À mão"].opt_in_source == "manual"
    assert rows["Da planilha"].opt_in_source == "import"
    assert rows["Saiu"].opted_in_at is None and rows["Saiu"].opted_out  # import never overrides
    assert rows["Sem consentimento"].opted_in_at is None
    assert broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     audience=Audience()) == 3
    # SAIR later: the record stays as proof, the audience loses them
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=api.id, opted_out=True)
    db.commit()
    db.refresh(api)
    assert api.opted_in_at is not None
    assert broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     audience=Audience()) == 2
    contacts.patch_contact(db, tenant_id=owner.tenant_id, contact_id=manual.id, opted_in=False)
    db.commit()
    db.refresh(manual)
    assert manual.opted_in_at is None and manual.opt_in_source == ""
    # another business's numbers count nothing of these
    other = make_owner(db, tenant_name="Outra")
    assert broadcasts.count_audience(db, tenant_id=other.tenant_id, instance_id=inst.id,
                                     audience=Audience()) == 0


def test_the_platform_admin_sets_the_price_table_used_by_estimates(db):
    from decimal import Decimal

    import pytest

    from ylada_app.services.errors import FieldErrors

    with pytest.raises(FieldErrors) as bad:
        broadcasts.set_prices(db, {"MARKETING": "abc", "UTILITY": "-1",
                                   "AUTHENTICATION": "11"})
    assert set(bad.value.errors) == {"MARKETING", "UTILITY", "AUTHENTICATION"}
    db.rollback()
    broadcasts.set_prices(db, {"MARKETING": "R$ 0,42", "UTILITY": "0.05",
                               "AUTHENTICATION": "0"})
    db.commit()
    try:
        assert broadcasts.prices(db) == {"MARKETING": Decimal("0.42"),
                                         "UTILITY": Decimal("0.05"),
                                         "AUTHENTICATION": Decimal("0")}
    finally:  # the table is the whole platform's: other tests expect the defaults
        from ylada_app.models import PlatformSetting

        db.delete(db.get(PlatformSetting, broadcasts.PRICES_KEY))
        db.commit()
