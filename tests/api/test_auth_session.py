"""POST /auth/session and /auth/logout: the only places the session cookie is set or cleared."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import PASSWORD, make_owner
from ylada_app.api import app
from ylada_app.core.settings import reset_settings_cache
from ylada_app.services import auth

SITE = "http://testserver"


@pytest.fixture
def client(database_url):
    return TestClient(app, base_url=SITE)


def _grant(db, email: str) -> str:
    grant = auth.login(db, email=email, password=PASSWORD).grant
    db.commit()
    return grant


def _cookie_header(res, name: str) -> str:
    return next(h for h in res.headers.get_list("set-cookie") if h.startswith(f"{name}="))


def test_a_grant_becomes_an_httponly_session_cookie_once(client, db):
    owner = make_owner(db)
    grant = _grant(db, owner.email)
    res = client.post("/auth/session", data={"grant": grant}, headers={"Origin": SITE},
                      follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/dashboard"
    header = _cookie_header(res, "ylada_session").lower()
    assert "httponly" in header and "samesite=lax" in header and "path=/" in header
    assert "max-age=2592000" in header and "secure" not in header  # http here
    assert "httponly" in _cookie_header(res, "ylada_device").lower()
    token = res.cookies["ylada_session"]
    assert auth.resolve_session(db, token).user_id == owner.user_id
    again = client.post("/auth/session", data={"grant": grant}, headers={"Origin": SITE},
                        follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/login?expired=1"
    assert "ylada_session=" not in again.headers.get("set-cookie", "")


def test_secure_flag_whenever_the_public_url_is_https(client, db, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://app.ylada.com.br")
    reset_settings_cache()
    owner = make_owner(db)
    res = client.post("/auth/session", data={"grant": _grant(db, owner.email)},
                      headers={"Origin": "https://app.ylada.com.br"}, follow_redirects=False)
    assert res.status_code == 303
    header = _cookie_header(res, "__Host-ylada_session").lower()  # host-only, never shadowed
    assert "secure" in header and "httponly" in header and "path=/" in header
    assert "domain=" not in header
    assert "secure" in _cookie_header(res, "ylada_device").lower()
    reset_settings_cache()


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"}, {"Origin": "null"}, {},
    {"Referer": "https://evil.example/page"},
])
def test_posts_from_other_sites_are_refused(client, db, headers):
    owner = make_owner(db)
    grant = _grant(db, owner.email)
    res = client.post("/auth/session", data={"grant": grant}, headers=headers,
                      follow_redirects=False)
    assert res.status_code == 403 and "set-cookie" not in res.headers
    # the grant was not spent by the refused attempt
    ok = client.post("/auth/session", data={"grant": grant}, headers={"Origin": SITE},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/dashboard"


def test_next_path_never_leaves_the_site(client, db):
    owner = make_owner(db)
    grant = auth.issue_grant(db, user_id=owner.user_id, next_path="https://evil.example/x")
    db.commit()
    res = client.post("/auth/session", data={"grant": grant}, headers={"Origin": SITE},
                      follow_redirects=False)
    assert res.headers["location"] == "/dashboard"


@pytest.mark.parametrize("body", [b"", b"grant=", b"grant=%ff%fe", b"\xff\xfe\x00",
                                  b"grant=" + b"a" * 10_000, b"a=1&" * 50])
def test_garbage_is_answered_without_an_error(client, body):
    res = client.post("/auth/session", content=body, follow_redirects=False,
                      headers={"Origin": SITE,
                               "Content-Type": "application/x-www-form-urlencoded"})
    assert res.status_code in (303, 403)
    assert res.status_code != 500


def test_logout_ends_the_session_and_clears_the_cookie(client, db):
    owner = make_owner(db)
    client.cookies.set("ylada_session", owner.token)
    refused = client.post("/auth/logout", headers={"Origin": "https://evil.example"},
                          follow_redirects=False)
    assert refused.status_code == 403
    assert auth.resolve_session(db, owner.token) is not None  # no logout from other sites
    res = client.post("/auth/logout", data={"next": "/login"}, headers={"Origin": SITE},
                      follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/login"
    header = _cookie_header(res, "ylada_session").lower()
    assert "max-age=0" in header or "expires=thu, 01 jan 1970" in header
    db.expire_all()
    assert auth.resolve_session(db, owner.token) is None
