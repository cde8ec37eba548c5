"""Exports: the CSV/XLSX of the daily figures match the dashboard, leads carry their captured
fields, progress reaches 100 %, and another tenant can neither see nor download the file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.services.test_analytics import World, catch_up
from ylada_app.jobs.analytics import build_export
from ylada_app.models import Contact, utcnow
from ylada_app.services import analytics, analytics_export
from ylada_app.services.errors import FieldErrors, NotFound


def _today_traffic(db) -> World:
    w = World(db)
    conv = w.contact(w.cloud, utcnow() - timedelta(minutes=1))
    conv2 = w.contact(w.cloud, conv.created_at)
    w.msg(conv, conv.created_at)
    w.msg(conv, conv.created_at, "out", "sent")
    w.event(conv, conv.created_at, "goal_reached")
    db.commit()
    c2 = db.get(Contact, conv2.contact_id)
    c2.fields = {"email": "=HYPERLINK(\"x\")", "cidade": "Recife"}
    c2.name = "Maria"
    db.add(c2)
    db.commit()
    catch_up(db)
    return w


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_daily_export_matches_the_dashboard(db, fmt):
    w = _today_traffic(db)
    eid = analytics_export.request_export(db, tenant_id=w.tenant_id, user_id=w.owner.user_id,
                                          kind="daily", fmt=fmt, period="7d")
    db.commit()
    assert build_export(eid) == "done"
    st = analytics_export.export_status(db, tenant_id=w.tenant_id, export_id=eid)
    assert (st["status"], st["pct"], st["total"]) == ("done", 100, 7)
    path, name = analytics_export.export_file(db, tenant_id=w.tenant_id, export_id=eid,
                                              token=st["token"])
    assert name.endswith("." + fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    else:
        rows = [[("" if c is None else c) for c in r]
                for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert rows[0][0] == "Data" and rows[0][1] == "Mensagens recebidas"
    dash = analytics.dashboard(db, tenant_id=w.tenant_id, period="7d")
    expected = [[f"{d['day'][8:]}/{d['day'][5:7]}/{d['day'][:4]}"] +
                [d[c] for c in analytics_export.DAILY_COLUMNS] for d in dash["days"]]
    got = [[r[0]] + [int(x) for x in r[1:]] for r in rows[1:]]
    assert got == expected
    assert sum(r[1] for r in got) == 1 and sum(r[5] for r in got) == 1


def test_leads_export_has_the_captured_fields_and_no_formulas(db):
    w = _today_traffic(db)
    eid = analytics_export.request_export(db, tenant_id=w.tenant_id, user_id=w.owner.user_id,
                                          kind="leads", fmt="csv", period="today")
    db.commit()
    assert build_export(eid) == "done"
    st = analytics_export.export_status(db, tenant_id=w.tenant_id, export_id=eid)
    assert (st["done"], st["total"]) == (2, 2)
    path, _ = analytics_export.export_file(db, tenant_id=w.tenant_id, export_id=eid,
                                           token=st["token"])
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    maria = next(r for r in rows if r["Nome"] == "Maria")
    assert maria["cidade"] == "Recife" and maria["email"].startswith("'=")
    assert maria["Instância"] == "Loja SP"


def test_exports_are_tenant_private_and_validated(db):
    a, b = _today_traffic(db), World(db, "Outra")
    eid = analytics_export.request_export(db, tenant_id=a.tenant_id, user_id=a.owner.user_id,
                                          kind="daily", fmt="csv")
    db.commit()
    build_export(eid)
    token = analytics_export.export_status(db, tenant_id=a.tenant_id, export_id=eid)["token"]
    with pytest.raises(NotFound):
        analytics_export.export_status(db, tenant_id=b.tenant_id, export_id=eid)
    with pytest.raises(NotFound):
        analytics_export.export_file(db, tenant_id=b.tenant_id, export_id=eid, token=token)
    with pytest.raises(NotFound):
        analytics_export.export_file(db, tenant_id=a.tenant_id, export_id=eid, token="wrong")
    with pytest.raises(NotFound):  # B exporting A's instance
        analytics_export.request_export(db, tenant_id=b.tenant_id, user_id=b.owner.user_id,
                                        kind="leads", fmt="csv", instance_id=a.cloud.id)
    with pytest.raises(FieldErrors) as err:
        analytics_export.request_export(db, tenant_id=b.tenant_id, user_id=b.owner.user_id,
                                        kind="tudo", fmt="pdf")
    assert err.value.messages() == {"kind": "Tipo de exportação inválido.",
                                    "fmt": "Formato inválido: use CSV ou XLSX."}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_branded_business_gets_files_with_its_own_name(db, fmt):
    """White label: the file name, the sheet and the workbook's properties carry the brand,
    never "ylada"; a business next to it without a brand keeps the platform's name."""
    from sqlmodel import select

    from ylada_app.models import Plan, Subscription
    from ylada_app.services import brand

    w, plain = _today_traffic(db), World(db, "Sem Marca")
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=w.tenant_id, plan_id=plan.id, status="active"))
    db.flush()
    brand.save_settings(db, tenant_id=w.tenant_id, data={
        "display_name": "Agência Ação: Bots/BR", "hide_platform_name": "1"})
    db.commit()
    files = {}
    for who in (w, plain):
        eid = analytics_export.request_export(db, tenant_id=who.tenant_id,
                                              user_id=who.owner.user_id, kind="leads",
                                              fmt=fmt, period="today")
        db.commit()
        assert build_export(eid) == "done"
        st = analytics_export.export_status(db, tenant_id=who.tenant_id, export_id=eid)
        files[who.tenant_id] = analytics_export.export_file(
            db, tenant_id=who.tenant_id, export_id=eid, token=st["token"])
    path, name = files[w.tenant_id]
    assert name.startswith("agencia-acao-bots-br-leads-") and "ylada" not in name
    _, plain_name = files[plain.tenant_id]
    assert plain_name.startswith("ylada-leads-")
    if fmt == "xlsx":
        book = load_workbook(path)
        assert book.sheetnames == ["Agência Ação  Bots BR"]
        assert book.properties.creator == "Agência Ação: Bots/BR"
        assert "ylada" not in repr(book.properties).lower()
        assert load_workbook(files[plain.tenant_id][0]).sheetnames == ["ylada"]
    else:
        assert "ylada" not in path.read_text("utf-8-sig").lower()


def test_a_leads_file_is_served_for_seven_days_then_deleted(db):
    """A leads file holds every contact's name and number: like the LGPD copies, it can be
    downloaded for EXPORT_TTL after it was built, then the sweeper's purge deletes it."""
    from ylada_app.jobs import privacy as privacy_jobs
    from ylada_app.models import AnalyticsExport

    w = _today_traffic(db)
    eid = analytics_export.request_export(db, tenant_id=w.tenant_id, user_id=w.owner.user_id,
                                          kind="leads", fmt="csv", period="7d")
    db.commit()
    assert build_export(eid) == "done"
    token = analytics_export.export_status(db, tenant_id=w.tenant_id, export_id=eid)["token"]
    row = db.get(AnalyticsExport, eid)
    row.finished_at = utcnow() - analytics_export.EXPORT_TTL + timedelta(minutes=5)
    db.add(row)
    db.commit()
    path, _ = analytics_export.export_file(db, tenant_id=w.tenant_id, export_id=eid,
                                           token=token)
    assert path.exists()  # still inside its window
    row.finished_at = utcnow() - analytics_export.EXPORT_TTL - timedelta(minutes=5)
    db.add(row)
    db.commit()
    with pytest.raises(NotFound):  # past it: not served even before the purge runs
        analytics_export.export_file(db, tenant_id=w.tenant_id, export_id=eid, token=token)
    privacy_jobs._last[0] = -1e9  # the sweeper's 10-minute pace
    privacy_jobs.periodic()
    db.expire_all()
    assert db.get(AnalyticsExport, eid).status == "expired"
    assert not path.exists()
