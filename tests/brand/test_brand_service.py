"""White label services: settings validation, plan gate, isolation, addresses, host lookup."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from tests.factories import make_business_owner, make_owner
from ylada_app.models import Subscription
from ylada_app.services import brand
from ylada_app.services.entitlements import forget_limits
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden


def _business(db, name="Agência"):
    owner = make_business_owner(db, tenant_name=name)
    brand.forget_cache()
    return owner


def _slug() -> str:
    return "ag" + uuid.uuid4().hex[:8]


GOOD = {"display_name": "Acme Bots", "primary_color": "#0a5bd3", "login_headline": "Olá",
        "support_email": "Suporte@Acme.com.br", "support_whatsapp": "11 91234-5678",
        "hide_platform_name": "on"}


def test_business_plan_has_white_label_and_free_plan_does_not(db):
    free = make_owner(db)
    with pytest.raises(Forbidden):
        brand.save_settings(db, tenant_id=free.tenant_id, data=GOOD)
    owner = _business(db)
    row = brand.save_settings(db, tenant_id=owner.tenant_id, data=GOOD)
    db.commit()
    assert row.primary_color == "#0A5BD3"
    assert row.support_email == "suporte@acme.com.br"
    assert row.support_whatsapp == "+5511912345678"
    assert row.hide_platform_name is True


@pytest.mark.parametrize("field,value,code", [
    ("primary_color", "azul", "brand.err.color_format"),
    ("primary_color", "#12345", "brand.err.color_format"),
    ("primary_color", "#FFFF66", "brand.err.color_contrast"),  # white text unreadable
    ("display_name", "  ", "brand.err.name_required"),
    ("support_email", "nao-e-email", "brand.err.email"),
    ("support_whatsapp", "12", "brand.err.whatsapp"),
])
def test_bad_fields_get_pt_br_messages(field, value, code):
    with pytest.raises(FieldErrors) as exc:
        brand.validate_settings({**GOOD, field: value})
    assert exc.value.errors[field] == code
    text = exc.value.messages("pt-BR")[field]
    assert text and not text.startswith("brand.")
    if code == "brand.err.color_contrast":
        assert "4,5:1" in text


def test_contrast_ratio_is_wcag():
    assert brand.contrast_with_white("#000000") == pytest.approx(21.0)
    assert brand.contrast_with_white("#FFFFFF") == pytest.approx(1.0)
    assert brand.contrast_with_white("#0A5BD3") > 4.5


def test_each_business_reads_and_changes_only_its_own_brand(db):
    a, b = _business(db, "Agência A"), _business(db, "Agência B")
    brand.save_settings(db, tenant_id=a.tenant_id, data=GOOD)
    brand.save_settings(db, tenant_id=b.tenant_id, data={**GOOD, "display_name": "Outra"})
    db.commit()
    assert brand.get_brand(db, tenant_id=a.tenant_id).display_name == "Acme Bots"
    assert brand.get_brand(db, tenant_id=b.tenant_id).display_name == "Outra"
    assert brand.get_brand(db, tenant_id=a.tenant_id).id != \
        brand.get_brand(db, tenant_id=b.tenant_id).id


def test_subdomain_rules_reserved_and_unique(db):
    a, b = _business(db, "Agência A"), _business(db, "Agência B")
    for bad in ("ab", "-acme", "acme-", "ac_me", "ACME.x", "a" * 40):
        with pytest.raises(FieldErrors):
            brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=bad)
    for reserved in ("www", "api", "admin", "app", "mail"):
        with pytest.raises(FieldErrors) as exc:
            brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=reserved)
        assert exc.value.errors["subdomain"] == "brand.err.subdomain_reserved"
    slug = _slug()
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=slug.upper())
    db.commit()
    with pytest.raises(Conflict):
        brand.set_subdomain(db, tenant_id=b.tenant_id, subdomain=slug)


def test_host_resolves_to_its_own_brand_and_unknown_or_forged_hosts_to_platform(db):
    a, b = _business(db, "Agência A"), _business(db, "Agência B")
    sa, sb = _slug(), _slug()
    brand.save_settings(db, tenant_id=a.tenant_id, data=GOOD)
    brand.save_settings(db, tenant_id=b.tenant_id, data={**GOOD, "display_name": "Outra"})
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=sa)
    brand.set_subdomain(db, tenant_id=b.tenant_id, subdomain=sb)
    db.commit()
    assert brand.brand_for_host(db, f"{sa}.localhost:3000").tenant_id == a.tenant_id
    assert brand.brand_for_host(db, f"{sb}.LOCALHOST").name == "Outra"
    for forged in (f"{sa}.localhost@evil.com", f"{sa}.localhost/..", "evil.com",
                   f"x.{sa}.localhost", "", None, "[::1]:3000", f"{sa}.localhost:abc",
                   "www.localhost", f"{sa}.localhost.evil.com"):
        assert brand.brand_for_host(db, forged).is_platform, forged
    assert brand.cached_brand_for_host(db, f"{sa}.localhost").tenant_id == a.tenant_id


def test_forwarded_host_is_ignored_unless_trusted(monkeypatch):
    from ylada_app.core.settings import get_settings

    assert brand.request_host("app.example.com", "acme.localhost") == "app.example.com"
    monkeypatch.setattr(get_settings(), "trust_forwarded_host", True)
    assert brand.request_host("10.0.0.1:8000", "acme.localhost, other") == "acme.localhost"


def test_lost_plan_means_platform_brand(db):
    a = _business(db)
    slug = _slug()
    brand.save_settings(db, tenant_id=a.tenant_id, data=GOOD)
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=slug)
    db.commit()
    assert not brand.brand_for_host(db, f"{slug}.localhost").is_platform
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == a.tenant_id)
                  .order_by(Subscription.id.desc())).first()
    sub.status = "canceled"
    db.commit()
    forget_limits()
    assert brand.brand_for_host(db, f"{slug}.localhost").is_platform


class FakeDns:
    def __init__(self):
        self.records: dict[str, list[str]] = {}

    def __call__(self, name: str) -> list[str]:
        return self.records.get(name, [])


def test_custom_domain_pending_failed_verified_and_never_claimed_by_another(db):
    a, b = _business(db, "Agência A"), _business(db, "Agência B")
    domain = f"bots.{_slug()}.com.br"
    dns = FakeDns()
    row = brand.request_custom_domain(db, tenant_id=a.tenant_id, domain=domain.upper() + ".")
    assert (row.custom_domain, row.domain_status) == (domain, "pending")
    # B may start on the same name while it is unproven, but gets nothing from it
    brand.request_custom_domain(db, tenant_id=b.tenant_id, domain=domain)
    db.commit()
    assert brand.brand_for_host(db, domain).is_platform  # pending: not served
    assert brand.verify_custom_domain(db, tenant_id=a.tenant_id,
                                      lookup=dns).domain_status == "failed"
    name, value = brand.txt_record(brand.get_brand(db, tenant_id=a.tenant_id))
    dns.records[name] = ["unrelated", value]
    assert brand.verify_custom_domain(db, tenant_id=a.tenant_id,
                                      lookup=dns).domain_status == "verified"
    db.commit()
    assert brand.brand_for_host(db, domain).tenant_id == a.tenant_id
    # B cannot claim it any more, nor verify with A's record or its own
    with pytest.raises(Conflict):
        brand.request_custom_domain(db, tenant_id=b.tenant_id, domain=domain)
    b_name, b_value = brand.txt_record(brand.get_brand(db, tenant_id=b.tenant_id))
    dns.records[b_name] = [b_value, value]
    assert brand.verify_custom_domain(db, tenant_id=b.tenant_id,
                                      lookup=dns).domain_status == "failed"
    db.commit()
    assert brand.brand_for_host(db, domain).tenant_id == a.tenant_id


def test_custom_domain_format_and_platform_names_refused(db):
    a = _business(db)
    for bad in ("localhost", "x.localhost", "1.2.3.4", "exa mple.com", "http://a.com/x"):
        with pytest.raises(FieldErrors):
            brand.request_custom_domain(db, tenant_id=a.tenant_id, domain=bad)


def test_recheck_job_verifies_unverifies_and_keeps_status_when_dns_is_down(db, monkeypatch):
    from ylada_app.jobs import brand as brand_jobs

    a = _business(db)
    domain = f"bots.{_slug()}.com.br"
    brand.request_custom_domain(db, tenant_id=a.tenant_id, domain=domain)
    db.commit()
    name, value = brand.txt_record(brand.get_brand(db, tenant_id=a.tenant_id))
    records: dict[str, list[str]] = {name: [value]}
    monkeypatch.setattr(brand, "dns_txt_lookup", lambda n: records.get(n, []))
    assert brand_jobs.recheck_domain(a.tenant_id) == "verified"

    def down(_name):
        raise brand.DnsUnavailable("brand.err.dns_unavailable")

    monkeypatch.setattr(brand, "dns_txt_lookup", down)
    assert brand_jobs.recheck_domain(a.tenant_id) == "unknown"
    db.expire_all()
    assert brand.get_brand(db, tenant_id=a.tenant_id).domain_status == "verified"
    records.clear()
    monkeypatch.setattr(brand, "dns_txt_lookup", lambda n: records.get(n, []))
    assert brand_jobs.recheck_domain(a.tenant_id) == "failed"  # the record was removed
    db.expire_all()
    assert brand.brand_for_host(db, domain).is_platform


def test_tls_is_allowed_only_for_verified_domains_and_used_subdomains(db):
    a = _business(db)
    slug, domain = _slug(), f"bots.{_slug()}.com.br"
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=slug)
    brand.request_custom_domain(db, tenant_id=a.tenant_id, domain=domain)
    db.commit()
    assert brand.tls_allowed(db, f"{slug}.localhost")
    assert not brand.tls_allowed(db, domain)  # pending
    assert not brand.tls_allowed(db, "qualquer.localhost")
    assert not brand.tls_allowed(db, "evil.com")
    name, value = brand.txt_record(brand.get_brand(db, tenant_id=a.tenant_id))
    brand.verify_custom_domain(db, tenant_id=a.tenant_id, lookup=lambda n: [value])
    db.commit()
    assert brand.tls_allowed(db, domain)
