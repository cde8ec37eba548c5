"""The "new password" step shared by the reset link and the verification link opened in
another browser: two fields that must match, a service that takes the link's token, and the
login page afterwards."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


class NewPasswordState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False
    link_ok: bool = True

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    async def _save_new_password(self, form: dict, service: Callable, done_url: str):
        """`service(session, token=…, password=…, client_ip=…)` sets it; then `done_url`."""
        if (form.get("password") or "") != (form.get("password_again") or ""):
            self.errors = {"password_again": self._t("reset.mismatch")}
            return
        self.busy = True
        yield
        try:
            await call(service, token=self._token(), password=form.get("password"),
                       client_ip=self._client_ip())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            self.link_ok = exc.code != "error.link_invalid"
            return
        self.busy = False
        yield rx.redirect(done_url)
