"""Question answer validators: turn what the user typed into a clean value, or reject it.

Each validator returns an `Answer`; `value` is what gets stored in the variable:

``text``    non-empty text, trimmed, at most 1024 characters.
``number``  Brazilian and international notation ("1.234,56", "1234.56", "R$ 10", "-3");
            an int when there is no fractional part, else a float.
``email``   a plausible address, lower-cased.
``phone``   a Brazilian number with DDD, with or without +55 (10 to 13 digits once
            punctuation is removed); stored as "+55DDDNUMBER".
``date``    dd/mm/aaaa (also with - or ., or a two-digit year) or ISO aaaa-mm-dd; with the
            business's local date (`today`) also what people type in a chat — "hoje",
            "amanhã", "depois de amanhã", a weekday ("sexta", "sábado que vem"), "dia 15",
            "15/03", "15 de março" — the next such day; stored as ISO aaaa-mm-dd.
``choice``  one of the node's choices, by its text (case/accent-insensitive) or by its
            1-based number; stored as the choice's text as written in the flow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time  # (not the clock: a time of day)
from typing import Any

from ylada_app.engine.text import fold_loose

TEXT_ANSWER_MAX = 1024

DEFAULT_RETRY_TEXT = {
    "text": "Não entendi. Pode responder com uma mensagem de texto?",
    "number": "Por favor, responda só com números (ex.: 42).",
    "email": "Hmm, esse e-mail não parece válido. Pode conferir e enviar de novo? "
    "(ex.: nome@email.com)",
    "phone": "Esse telefone não parece válido. Envie com DDD, por exemplo: (11) 98765-4321.",
    "date": "Não reconheci essa data. Pode mandar assim: 25/12, 25/12/2027, \"amanhã\" "
            "ou \"sexta\".",
    "choice": "Por favor, responda com uma das opções: {choices}.",
}


@dataclass(frozen=True)
class Answer:
    ok: bool
    value: Any = None


_INVALID = Answer(False)

_NUMBER_CHARS = re.compile(r"[+-]?[\d.,]+")
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-]+")
_DATE_BR = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_number(raw: Any) -> int | float | None:
    """A finite number from user text or a stored value, or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if not isinstance(raw, str):
        return None
    s = raw.strip().replace("R$", "").replace(" ", "").replace("\u00a0", "")
    if not s or len(s) > 40 or not _NUMBER_CHARS.fullmatch(s):
        return None
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    thousands, decimal = _separators(s)
    if thousands:
        head, _, tail = s.partition(decimal) if decimal else (s, "", "")
        groups = head.split(thousands)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        s = "".join(groups) + ("." + tail if decimal else "")
    elif decimal:
        s = s.replace(decimal, ".")
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        return None
    value: int | float = float(s) if "." in s else int(s)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return sign * value


def _separators(s: str) -> tuple[str | None, str | None]:
    """(thousands, decimal) separators of a digits-and-separators string.

    Brazilians write 1.234,56; APIs write 1234.56. When both appear, the last one is the
    decimal separator. A lone "." followed by exactly three digits ("1.500") is read the
    Brazilian way, as thousands; a lone "," is always decimal ("2,5").
    """
    has_comma, has_dot = "," in s, "." in s
    if has_comma and has_dot:
        return (".", ",") if s.rfind(",") > s.rfind(".") else (",", ".")
    if not has_comma and not has_dot:
        return None, None
    sep = "," if has_comma else "."
    if s.count(sep) > 1:
        return sep, None
    if sep == "." and re.fullmatch(r"\d{1,3}\.\d{3}", s):
        return ".", None
    return None, sep


def validate_text(raw: str) -> Answer:
    cleaned = raw.strip()
    return Answer(True, cleaned[:TEXT_ANSWER_MAX]) if cleaned else _INVALID


def validate_number(raw: str) -> Answer:
    value = parse_number(raw)
    return _INVALID if value is None else Answer(True, value)


def validate_email(raw: str) -> Answer:
    cleaned = raw.strip().lower()
    if not cleaned or len(cleaned) > 254 or not _EMAIL.fullmatch(cleaned):
        return _INVALID
    if len(cleaned.split("@", 1)[0]) > 64:
        return _INVALID
    return Answer(True, cleaned)


def validate_phone(raw: str) -> Answer:
    cleaned = raw.strip()
    if not cleaned or len(cleaned) > 40 or not _PHONE_CHARS.fullmatch(cleaned):
        return _INVALID
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+") and not digits.startswith("55"):
        return _INVALID  # a foreign number
    if not cleaned.startswith("+") and digits.startswith("0"):
        digits = digits[1:]  # trunk prefix, as in 0 11 98765-4321
    if len(digits) in (10, 11):
        ddd, number = digits[:2], digits[2:]
    elif len(digits) in (12, 13) and digits.startswith("55"):
        ddd, number = digits[2:4], digits[4:]
    else:
        return _INVALID
    if "0" in ddd:
        return _INVALID  # Brazilian area codes run 11..99 with no zero digit
    if len(number) == 9 and number[0] != "9":
        return _INVALID  # nine-digit numbers are mobiles and start with 9
    if len(number) == 8 and number[0] in "01":
        return _INVALID
    return Answer(True, f"+55{ddd}{number}")


def validate_date(raw: str, today: date | None = None) -> Answer:
    """A written date; relative ones ("amanhã", "sexta", "15/03") only when `today` (the
    business's local date, from the caller: the engine reads no clock) is given."""
    cleaned = raw.strip()
    if match := _DATE_BR.fullmatch(cleaned):
        day, month, year = (int(g) for g in match.groups())
    elif match := _DATE_ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif today is not None:
        said = _said_date(fold_loose(cleaned[:200]), cleaned, today)
        return Answer(True, said.isoformat()) if said else _INVALID
    else:
        return _INVALID
    return _calendar_date(year, month, day)


def _calendar_date(year: int, month: int, day: int) -> Answer:
    if not 1900 <= year <= 2100:
        return _INVALID
    try:
        return Answer(True, date(year, month, day).isoformat())
    except ValueError:
        return _INVALID


_WEEKDAYS = {"segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5,
             "domingo": 6, "seg": 0, "ter": 1, "qua": 2, "qui": 3, "sex": 4, "sab": 5,
             "dom": 6}
_MONTHS = {name: n for n, names in enumerate((
    ("janeiro", "jan"), ("fevereiro", "fev"), ("marco", "mar"), ("abril", "abr"),
    ("maio", "mai"), ("junho", "jun"), ("julho", "jul"), ("agosto", "ago"),
    ("setembro", "set"), ("outubro", "out"), ("novembro", "nov"), ("dezembro", "dez")), 1)
    for name in names}
_RELATIVE = (("depois de amanha", 2), ("amanha", 1), ("hoje", 0))
# "25/12", "25/12/27" (a day and month written in digits inside a longer answer)
_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?![\d/.-])")
_DAY_OF_MONTH = re.compile(r"\bdia (\d{1,2})\b(?! de\b)")
_DAY_MONTH_NAME = re.compile(r"\b(\d{1,2}) de (" + "|".join(_MONTHS) + r")\b(?: de (\d{4}))?")
_ORDINAL = re.compile(r"\b(\d{1,2})o\b")
_ALTERNATIVE = re.compile(r"\bou\b.*(\d|\bdepois\b|\bhoje\b|\bamanha\b|\bdia\b|\b("
                          + "|".join(_WEEKDAYS) + r")\b)")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")(?: ?feira)?\b")


def _said_date(folded: str, raw: str, today: date) -> date | None:
    """The next day a chat answer names, or None. Only one kind of date may be named: "dia
    15 ou 16" is no answer to keep."""
    if _ALTERNATIVE.search(folded):  # "dia 15 ou 16", "amanhã ou depois": the team asks
        return None
    folded = _ORDINAL.sub(r"\1", folded)  # "1º de março" (folded "1o de marco")
    found: list[date] = []
    for words, days in _RELATIVE:
        if re.search(rf"\b{words}\b", folded):
            found.append(today + timedelta(days=days))
            folded = re.sub(rf"\b{words}\b", " ", folded)
    for match in _DAY_MONTH.finditer(raw):
        day, month = int(match.group(1)), int(match.group(2))
        year = match.group(3)
        if year:
            answer = _calendar_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
            found += [date.fromisoformat(answer.value)] if answer.ok else []
        else:
            found += _next_date(today, month, day)
    for match in _DAY_MONTH_NAME.finditer(folded):
        day, month = int(match.group(1)), _MONTHS[match.group(2)]
        if match.group(3):
            answer = _calendar_date(int(match.group(3)), month, day)
            found += [date.fromisoformat(answer.value)] if answer.ok else []
        else:
            found += _next_date(today, month, day)
    for match in _DAY_OF_MONTH.finditer(folded):
        day = int(match.group(1))
        month, year = today.month, today.year
        for _ in range(3):  # "dia 31" said in a 30-day month: the next month that has it
            if day >= today.day or (year, month) != (today.year, today.month):
                answer = _calendar_date(year, month, day)
                if answer.ok:
                    found.append(date.fromisoformat(answer.value))
                    break
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
    for match in _WEEKDAY.finditer(folded):
        # "sexta" said on a Friday is next week's: today would be "hoje"
        ahead = (_WEEKDAYS[match.group(1)] - today.weekday()) % 7 or 7
        found.append(today + timedelta(days=ahead))
    distinct = set(found)
    return distinct.pop() if len(distinct) == 1 else None


def _next_date(today: date, month: int, day: int) -> list[date]:
    """Day and month without a year: this year's, or next year's once this one is past."""
    for year in (today.year, today.year + 1):
        answer = _calendar_date(year, month, day)
        if answer.ok and date.fromisoformat(answer.value) >= today:
            return [date.fromisoformat(answer.value)]
    return []


_TIME = re.compile(r"(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?\s*(?:h|hs|horas?)?", re.IGNORECASE)
DEFAULT_REMINDER_TIME = day_time(9, 0)


def local_moment(date_text: str, time_text: str = "") -> datetime | None:
    """A date (dd/mm/aaaa or aaaa-mm-dd, as a date question stores it) and a time of day
    ("14:30", "14h30", "9h", "9"; empty = 09:00) as one naive local datetime; None when
    either cannot be read."""
    day = validate_date(date_text)
    if not day.ok:
        return None
    at = DEFAULT_REMINDER_TIME
    if time_text.strip():
        match = _TIME.fullmatch(time_text.strip())
        if match is None:
            return None
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            return None
        at = day_time(hour, minute)
    return datetime.combine(date.fromisoformat(str(day.value)), at)


def validate_choice(raw: str, choices: list[str] | tuple[str, ...]) -> Answer:
    folded = fold_loose(raw)
    if not folded:
        return _INVALID
    for choice in choices:
        if fold_loose(choice) == folded:
            return Answer(True, choice)
    if folded.isdigit() and 1 <= int(folded) <= len(choices):
        return Answer(True, choices[int(folded) - 1])
    return _INVALID


def validate_answer(kind: str, raw: Any, choices: list[str] | tuple[str, ...] = (),
                    today: date | None = None) -> Answer:
    """Validate `raw` (the user's text, possibly None for media) with validator `kind`;
    `today` (the business's local date) lets a date answer be relative ("amanhã")."""
    if not isinstance(raw, str):
        return _INVALID
    raw = raw[:4096]
    if kind == "choice":
        return validate_choice(raw, choices)
    if kind == "date":
        return validate_date(raw, today)
    check = {
        "text": validate_text,
        "number": validate_number,
        "email": validate_email,
        "phone": validate_phone,
    }.get(kind)
    return check(raw) if check else _INVALID


def retry_text(kind: str, choices: list[str] | tuple[str, ...] = ()) -> str:
    """The default pt-BR nudge sent after an invalid answer."""
    template = DEFAULT_RETRY_TEXT.get(kind, DEFAULT_RETRY_TEXT["text"])
    return template.format(choices=", ".join(choices)) if "{choices}" in template else template
