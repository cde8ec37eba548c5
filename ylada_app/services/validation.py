"""Field validators shared by services. Each returns the cleaned value or records an error key."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from ylada_app.services.errors import FieldErrors

_COMMON_PASSWORDS = {
    "12345678", "123456789", "1234567890", "password", "password1", "senha123", "senha1234",
    "qwerty123", "abc12345", "abcd1234", "11111111", "iloveyou1", "admin123", "brasil123",
}
_DIGITS = re.compile(r"^\d{5,20}$")
_ID = re.compile(r"^[0-9]{1,18}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
# A form's multi-line text keeps line breaks and tabs; other control characters go (NUL is
# refused by PostgreSQL's text columns, the rest are invisible).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidi embeddings/overrides/isolates: in a name they reorder what is shown around it.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def as_text(value: object) -> str:
    """Form values are strings; anything else a forged event sends counts as empty."""
    return value if isinstance(value, str) else ""


def parse_id(value: object) -> int | None:
    """A row id from the client (`"42"`), or None for anything else — words, signs, other
    scripts' digits, or numbers too big for the database's integer columns."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return int(text) if _ID.match(text) and int(text) < 2**31 else None


def ascii_digits(text: str) -> bool:
    """Whether `text` is only 0-9. Not str.isdigit: "²" (AltGr+2 on a Brazilian keyboard)
    and other superscripts are digits to it, yet int() refuses them."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def plain_text(value: object) -> str:
    """Form text without control characters other than line breaks and tabs."""
    return _CONTROL_IN_TEXT.sub("", as_text(value))


def visible(text: str) -> bool:
    """Whether `text` shows anything: zero-width spaces (U+200B), word joiners (U+2060)
    and byte-order marks (U+FEFF) are format characters — a name of only those looks
    empty in every list."""
    return any(unicodedata.category(ch)[0] not in "CZ" for ch in text)


def clean_name(value: object) -> str:
    """One line: control characters and bidi overrides out, runs of spaces made one."""
    return " ".join(_BIDI.sub("", _CONTROL.sub(" ", as_text(value))).split())


class Validator:
    """Collects field errors; `raise_if_any()` raises one FieldErrors with all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.params: dict[str, dict[str, object]] = {}

    def fail(self, field: str, code: str, **params: object) -> None:
        if field not in self.errors:
            self.errors[field] = code
            if params:
                self.params[field] = params

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors, self.params)

    def name(self, field: str, value: str | None, *, max_len: int, min_len: int = 1) -> str:
        cleaned = clean_name(value)
        if not visible(cleaned):
            self.fail(field, "error.required")
        elif len(cleaned) > max_len:
            self.fail(field, "error.too_long", max=max_len)
        elif len(cleaned) < min_len:
            self.fail(field, "error.too_short", min=min_len)
        return cleaned

    def text(self, field: str, value: object, *, max_len: int, required: bool = False,
             required_code: str = "error.required") -> str:
        """Multi-line text (plain_text, trimmed): refused over `max_len`, never cut."""
        cleaned = plain_text(value).strip()
        if required and not visible(cleaned):
            self.fail(field, required_code)
        elif len(cleaned) > max_len:
            self.fail(field, "error.too_long", max=max_len)
        return cleaned

    def email(self, field: str, value: str | None) -> str:
        raw = as_text(value).strip()
        if not raw:
            self.fail(field, "error.required")
            return ""
        if len(raw) > 254:
            self.fail(field, "error.email_invalid")
            return raw.lower()
        try:
            info = validate_email(raw, check_deliverability=False)
        except EmailNotValidError:
            self.fail(field, "error.email_invalid")
            return raw.lower()
        return info.normalized.lower()

    def password(self, field: str, value: str | None) -> str:
        pw = as_text(value)
        if len(pw) < 8 or len(pw) > 256 or not re.search(r"[A-Za-z]", pw) or not re.search(
            r"\d", pw
        ):
            self.fail(field, "error.password_weak")
        elif pw.lower() in _COMMON_PASSWORDS:
            self.fail(field, "error.password_common")
        return pw

    def digits_id(self, field: str, value: str | None, code: str, *, required: bool) -> str | None:
        cleaned = (value or "").strip()
        if not cleaned:
            if required:
                self.fail(field, "error.required")
            return None
        if not _DIGITS.match(cleaned):
            self.fail(field, code)
        return cleaned

    def choice(self, field: str, value: str | None, allowed: tuple[str, ...], code: str) -> str:
        cleaned = (value or "").strip()
        if cleaned not in allowed:
            self.fail(field, code)
        return cleaned
