"""Errors that services raise for refused operations.

`code`s are keys of the message catalog (ylada_app.core.i18n), so the UI shows them in
the user's language and the API returns the pt-BR text with the code.
"""

from __future__ import annotations

from ylada_app.core.i18n import translate


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, *, field: str | None = None, **params: object) -> None:
        self.code = code
        self.field = field
        self.params = params
        super().__init__(code)

    def message(self, lang: str = "pt-BR") -> str:
        return translate(self.code, lang, **self.params)

    @property
    def field_errors(self) -> dict[str, str]:
        """Field -> message key (a general error uses the '_' field)."""
        return {self.field or "_": self.code}

    def messages(self, lang: str = "pt-BR") -> dict[str, str]:
        """Field -> translated message, parameters filled in."""
        return {self.field or "_": self.message(lang)}


class FieldErrors(ServiceError):
    """Several fields are invalid; nothing was written."""

    status = 422

    def __init__(self, errors: dict[str, str],
                 params: dict[str, dict[str, object]] | None = None) -> None:
        super().__init__("error.invalid_fields")
        self.errors = dict(errors)
        self.field_params = dict(params or {})

    @property
    def field_errors(self) -> dict[str, str]:
        return dict(self.errors)

    def messages(self, lang: str = "pt-BR") -> dict[str, str]:
        return {f: translate(code, lang, **self.field_params.get(f, {}))
                for f, code in self.errors.items()}


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class RateLimited(ServiceError):
    status = 429


class Conflict(ServiceError):
    status = 409
