"""The names of the cookies the app uses (set by the server or by pages; read by both)."""

from __future__ import annotations

from ylada_app.core.settings import get_settings

SESSION_COOKIE = "ylada_session"
DEVICE_COOKIE = "ylada_device"
# Set by the sign-up page (and "re-send"): the verification link logs in only this browser.
SIGNUP_COOKIE = "ylada_signup"


def session_cookie_name() -> str:
    """Over https the cookie is `__Host-ylada_session`: browsers then accept it only from this
    host, Secure, for path / — a sibling subdomain cannot plant one that shadows it."""
    return f"__Host-{SESSION_COOKIE}" if get_settings().secure_cookies else SESSION_COOKIE
