"""White label e-mail through real SMTP servers on loopback: the brand's name, logo, colour
and Reply-To; no "ylada" anywhere when the business hides it; the business's own SMTP (its
password encrypted, never shown back), the fallback to the platform's SMTP with a notice to
the owners; and isolation (business B never gets A's brand or A's server)."""

from __future__ import annotations

import io
import re
import time
from email.utils import parseaddr

import pytest
from PIL import Image
from sqlmodel import Session, select

from tests.factories import make_owner
from tests.smtp_server import SmtpServer
from ylada_app.core.crypto import decrypt_secret
from ylada_app.core.db import get_engine
from ylada_app.models import EmailMessage, Membership, Notification, Plan, Subscription
from ylada_app.models.tenant import Role
from ylada_app.services import accounts, brand, brand_email, team


def _logo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (120, 40), (10, 91, 211, 255)).save(buf, format="PNG")
    return buf.getvalue()


def _agency(db, name: str, sub: str, *, hide: bool, support: str, logo: bool = True):
    owner = make_owner(db, tenant_name=f"Empresa {name}")
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.flush()
    brand.save_settings(db, tenant_id=owner.tenant_id, data={
        "display_name": name, "primary_color": "#0A5BD3", "support_email": support,
        "hide_platform_name": "1" if hide else ""})
    brand.set_subdomain(db, tenant_id=owner.tenant_id, subdomain=f"{sub}{owner.tenant_id}")
    if logo:
        brand.set_logo(db, tenant_id=owner.tenant_id, data=_logo())
    db.commit()
    return owner


def _invite(db, owner, to: str):
    team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id, email=to,
                       role="agent")
    db.commit()


def _all_of(got) -> str:
    return "\n".join([got.subject, str(got.message["From"]), got.text, got.html])


def test_branded_invite_with_hidden_platform_name(db, smtp, unique):
    acme = _agency(db, "Acme Bots", "acme", hide=True, support="suporte@acme.com.br")
    to = f"convidada.{unique}@exemplo.com.br"
    _invite(db, acme, to)
    got = smtp.wait_for(to)
    name, address = parseaddr(str(got.message["From"]))
    assert name == "Acme Bots" and address == "nao-responda@ylada.test"  # platform's sender
    assert str(got.message["Reply-To"]) == "suporte@acme.com.br"
    assert got.subject == "Dona Teste convidou você para Empresa Acme Bots no Acme Bots"
    assert re.search("ylada", got.subject + name + got.text + got.html, re.I) is None
    # links and the logo live on the brand's own address
    host = f"acme{acme.tenant_id}.localhost"
    assert f"http://{host}:3000/invite/" in got.text
    assert re.search(rf'<img src="http://{host}:3000/brand/\d+/logo-1\.png" alt="Acme Bots"',
                     got.html)
    assert "background:#0A5BD3" in got.html and "#128C7E" not in got.html
    assert "suporte@acme.com.br" in got.text  # where to ask, in the footer
    row = db.exec(select(EmailMessage).where(EmailMessage.to_email == to)).one()
    assert row.brand_tenant_id == acme.tenant_id


def test_visible_credit_and_isolation_between_businesses(db, smtp, unique):
    outra = _agency(db, "Outra Agência", "outra", hide=False, support="oi@outra.com.br",
                    logo=False)
    plain = make_owner(db, tenant_name="Padaria Sem Marca")
    to_o, to_p = f"o.{unique}@exemplo.com.br", f"p.{unique}@exemplo.com.br"
    _invite(db, outra, to_o)
    _invite(db, plain, to_p)
    got_o, got_p = smtp.wait_for(to_o), smtp.wait_for(to_p)
    assert parseaddr(str(got_o.message["From"]))[0] == "Outra Agência"
    assert "Outra Agência · com tecnologia ylada" in got_o.text  # not hidden: a credit
    assert "<img" not in got_o.html and ">Outra Agência</td>" in got_o.html  # name, no logo
    # a business without white label: the platform's e-mail, nobody else's brand
    assert str(got_p.message["From"]) == "ylada <nao-responda@ylada.test>"
    assert got_p.message["Reply-To"] is None
    assert "no ylada" in got_p.subject
    assert "Outra" not in _all_of(got_p) and "Acme" not in _all_of(got_p)
    assert "http://localhost:3000/invite/" in got_p.text


def test_own_smtp_sends_the_business_mail_and_only_its_mail(db, smtp, unique):
    own = SmtpServer().start()
    try:
        acme = _agency(db, "Acme Bots", "acme", hide=True, support="suporte@acme.com.br")
        other = _agency(db, "Beta Bots", "beta", hide=True, support="ajuda@beta.com.br")
        with pytest.raises(Exception) as bad:
            brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
                "smtp_host": "não é host", "smtp_port": "99999", "smtp_from_email": "x"})
        assert set(bad.value.errors) == {"smtp_host", "smtp_port", "smtp_from_email"}
        db.rollback()
        brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
            "smtp_host": "127.0.0.1", "smtp_port": str(own.port), "smtp_security": "starttls",
            "smtp_username": "", "smtp_password": "s3nh@-secreta",
            "smtp_from_email": "contato@acme.com.br"})
        db.commit()
        row = brand.get_brand(db, tenant_id=acme.tenant_id)
        assert "s3nh@" not in row.smtp_password_enc
        assert decrypt_secret(row.smtp_password_enc) == "s3nh@-secreta"
        shown = brand_email.smtp_form(db, tenant_id=acme.tenant_id)
        assert shown["has_password"] and "s3nh@-secreta" not in repr(shown)
        # saving again without a password keeps the stored one
        brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
            **shown["form"], "smtp_password": ""})
        db.commit()
        assert decrypt_secret(brand.get_brand(db, tenant_id=acme.tenant_id)
                              .smtp_password_enc) == "s3nh@-secreta"

        to_a, to_b = f"a.{unique}@exemplo.com.br", f"b.{unique}@exemplo.com.br"
        _invite(db, acme, to_a)
        _invite(db, other, to_b)
        got_a = own.wait_for(to_a)
        assert str(got_a.message["From"]) == "Acme Bots <contato@acme.com.br>"
        assert got_a.sender == "contato@acme.com.br"
        assert str(got_a.message["Reply-To"]) == "suporte@acme.com.br"
        got_b = smtp.wait_for(to_b)  # B: the platform's server, B's own brand
        assert parseaddr(str(got_b.message["From"])) == ("Beta Bots", "nao-responda@ylada.test")
        assert "Acme" not in _all_of(got_b)
        assert own.messages_to(to_b) == [] and smtp.messages_to(to_a) == []
        # the server has the mail before the sender records it: wait for the record
        deadline = time.monotonic() + 10
        while True:
            db.expire_all()
            sent = db.exec(select(EmailMessage).where(EmailMessage.to_email == to_a)).one()
            if sent.status != "sending" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert sent.status == "sent" and sent.sent_via == "business"

        # "testar envio": through the business's server, told in words
        ok, key = brand_email.send_test(lambda: Session(get_engine()), tenant_id=acme.tenant_id,
                                        to=acme.email, lang="pt-BR")
        assert (ok, key) == (True, "brand.smtp.test_ok")
        test_mail = own.wait_for(acme.email)
        assert test_mail.subject == "Teste de envio de Acme Bots"
        # with a login, a server that offers no STARTTLS never gets the password
        brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
            **shown["form"], "smtp_username": "acme", "smtp_password": "x"})
        db.commit()
        ok, key = brand_email.send_test(lambda: Session(get_engine()), tenant_id=acme.tenant_id,
                                        to=acme.email, lang="pt-BR")
        assert (ok, key) == (False, "brand.smtp.err_starttls")
        # B cannot test (nor use) A's server: it has none of its own
        ok, key = brand_email.send_test(lambda: Session(get_engine()),
                                        tenant_id=other.tenant_id, to=other.email,
                                        lang="pt-BR")
        assert (ok, key) == (False, "brand.smtp.err_not_set")
    finally:
        own.stop()


def test_a_failing_own_smtp_falls_back_to_the_platform_and_tells_the_owner(db, smtp, unique):
    acme = _agency(db, "Acme Bots", "acme", hide=True, support="suporte@acme.com.br")
    brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
        "smtp_host": "127.0.0.1", "smtp_port": "9", "smtp_from_email": "contato@acme.com.br"})
    db.commit()
    first, second = f"f1.{unique}@exemplo.com.br", f"f2.{unique}@exemplo.com.br"
    _invite(db, acme, first)
    got = smtp.wait_for(first)  # the platform's server delivered it, still branded
    assert parseaddr(str(got.message["From"]))[0] == "Acme Bots"
    assert "ylada" not in got.subject.lower()
    _invite(db, acme, second)
    smtp.wait_for(second)
    deadline = time.time() + 10
    while time.time() < deadline:
        db.expire_all()
        row = db.exec(select(EmailMessage).where(EmailMessage.to_email == second)).one()
        if row.status == "sent":
            break
        time.sleep(0.05)
    assert row.sent_via == "platform"
    notes = db.exec(select(Notification).where(Notification.tenant_id == acme.tenant_id,
                                               Notification.kind == "smtp_failed")).all()
    assert len(notes) == 1  # told once, not once per e-mail
    assert notes[0].user_id == acme.user_id and "conectar" in notes[0].body
    assert brand_email.smtp_form(db, tenant_id=acme.tenant_id)["last_error"] \
        == "brand.smtp.err_connect"


def test_person_mails_carry_their_own_business_brand_only(db, smtp, unique):
    acme = _agency(db, "Acme Bots", "acme", hide=True, support="suporte@acme.com.br")
    accounts.send_password_reset(db, email=acme.email)
    db.commit()
    got = smtp.wait_for(acme.email, subject="Redefinir")
    assert got.subject == "Redefinir sua senha do Acme Bots"
    assert re.search("ylada", _all_of(got).replace("nao-responda@ylada.test", ""), re.I) is None
    assert f"http://acme{acme.tenant_id}.localhost:3000/reset-password?token=" in got.text

    # someone in two businesses: the brand of the address they asked from, if it is theirs
    beta = _agency(db, "Beta Bots", "beta", hide=True, support="ajuda@beta.com.br")
    db.add(Membership(user_id=acme.user_id, tenant_id=beta.tenant_id, role=Role.AGENT))
    db.commit()
    ident = brand_email.identity_for(db, user_id=acme.user_id, host_tenant_id=beta.tenant_id)
    assert ident.mail.name == "Beta Bots"
    assert brand_email.identity_for(db, user_id=acme.user_id).mail.name == "ylada"
    outsider = make_owner(db)
    ident = brand_email.identity_for(db, user_id=outsider.user_id, host_tenant_id=beta.tenant_id)
    assert ident.brand_tenant_id is None and ident.mail.name == "ylada"


def test_account_secrets_never_travel_through_a_business_server_or_domain(db, smtp, unique):
    """A business with its own SMTP and custom domain invited someone who owns another
    business, then asked a password reset for them from its own address: the link went
    through the business's server and pointed at its domain (2026-12-04). Now the brand's
    look stays, but the mail goes through the platform's SMTP, linked on the subdomain
    unless the person belongs to that business alone."""
    from ylada_app.models.brand import DomainStatus

    own = SmtpServer().start()
    try:
        acme = _agency(db, "Acme Bots", "acme", hide=True, support="suporte@acme.com.br")
        brand_email.save_smtp(db, tenant_id=acme.tenant_id, data={
            "smtp_host": "127.0.0.1", "smtp_port": str(own.port), "smtp_security": "starttls",
            "smtp_from_email": "contato@acme.com.br"})
        row = brand.get_brand(db, tenant_id=acme.tenant_id)
        row.custom_domain, row.domain_status = "bots.acme.com.br", DomainStatus.VERIFIED
        victim = make_owner(db, tenant_name="Loja da Vítima")
        db.add(Membership(user_id=victim.user_id, tenant_id=acme.tenant_id, role=Role.AGENT))
        db.commit()
        accounts.send_password_reset(db, email=victim.email, host="bots.acme.com.br")
        db.commit()
        got = smtp.wait_for(victim.email, subject="Redefinir")  # the platform's server
        assert got.subject == "Redefinir sua senha do Acme Bots"  # the brand's look
        assert f"http://acme{acme.tenant_id}.localhost:3000/reset-password?token=" in got.text
        assert "bots.acme.com.br" not in got.text
        # someone who belongs to that business alone keeps its domain, not its server
        accounts.send_password_reset(db, email=acme.email, host="bots.acme.com.br")
        db.commit()
        mine = smtp.wait_for(acme.email, subject="Redefinir")
        assert "http://bots.acme.com.br:3000/reset-password?token=" in mine.text
        # an invitation is the business's own mail: its server, its domain
        _invite(db, acme, f"convite.{unique}@exemplo.com.br")
        invite = own.wait_for(f"convite.{unique}@exemplo.com.br")
        assert "bots.acme.com.br" in invite.text
        assert own.messages_to(victim.email) == own.messages_to(acme.email) == []
    finally:
        own.stop()
