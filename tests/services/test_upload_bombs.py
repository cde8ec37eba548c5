"""Uploads small on the wire that would cost the server far more than the limits of
services/tables.py and services/knowledge.py promise (5 MB, 5,000 rows, 64 MB unpacked): a
sheet lying about its size, an XML bomb inside an XLSX, a text file of a million paragraphs.
Each is refused or read within the limits, with a pt-BR reason."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from ylada_app.services import knowledge, tables
from ylada_app.services.tables import ImportRejected, read_table


def _xlsx(edit_sheet=None, shared_strings: str | None = None) -> bytes:
    """A real openpyxl workbook (header + one row) with its parts edited by hand."""
    wb = Workbook()
    ws = wb.active
    ws.append(["telefone", "nome"])
    ws.append(["11987654321", "Ana"])
    buf = io.BytesIO()
    wb.save(buf)
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and edit_sheet:
                data = edit_sheet(data.decode()).encode()
            if item.filename == "[Content_Types].xml" and shared_strings is not None:
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>"))
            zout.writestr(item, data)
        if shared_strings is not None:
            zout.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def test_xlsx_dimension_claim_does_not_make_the_reader_walk_17_billion_cells(monkeypatch):
    """A ~5 KB XLSX whose <dimension> says A1:XFD1048576 and with one cell on the last row:
    openpyxl's read-only reader pads every missing row to 16,384 columns, and
    _rows_from_xlsx calls _cell() on each — 1,048,576 x 16,384 cells (measured: 20,000
    rows take 25 s, so the full sheet holds a CPU for ~20 min). Empty rows are never
    counted towards max_rows, so the row cap does not stop it."""
    last = 1_048_576

    def edit(sheet: str) -> str:
        sheet = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', sheet)
        return sheet.replace("</sheetData>", f'<row r="{last}"><c r="A{last}" t="inlineStr">'
                                             f"<is><t>x</t></is></c></row></sheetData>")

    data = _xlsx(edit)
    assert len(data) < 10_000
    budget = {"cells": 0}
    real_cell = tables._cell

    def counting_cell(value):
        budget["cells"] += 1
        if budget["cells"] > 2_000_000:  # a 20,000-row import of 100 columns, tops
            raise AssertionError("a 5 KB upload made the reader visit over 2 million cells")
        return real_cell(value)

    monkeypatch.setattr(tables, "_cell", counting_cell)
    try:
        rows = read_table("contatos.xlsx", data, max_bytes=5 << 20, max_rows=20_000)
    except ImportRejected:
        return  # refusing such a sheet is fine too
    assert rows[0] == ["telefone", "nome"]


def test_xlsx_entity_expansion_is_refused():
    """sharedStrings.xml may carry a DTD; openpyxl parses it with the stdlib's expat (no
    defusedxml installed), which expands internal entities up to 100x the part's size.
    The part here is < 1 MB (so _check_unpacked_size's ratio test skips it) and the whole
    upload ~6 KB, yet one cell comes back as 70 MB of text — over XLSX_MAX_UNPACKED. With a
    60 MB part (allowed: ratio < 200) the same trick yields ~6 GB."""
    ents = ['<!ENTITY e0 "' + "A" * 700 + '">']
    ents += [f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, 6)]
    sst = ('<?xml version="1.0"?><!DOCTYPE sst [' + "".join(ents) + "]>"
           "<!--" + "x" * 1_000_000 + "-->"
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           'uniqueCount="1"><si><t>&e5;</t></si></sst>')

    def edit(sheet: str) -> str:
        return sheet.replace('<c r="B2" t="inlineStr"><is><t>Ana</t></is></c>',
                             '<c r="B2" t="s"><v>0</v></c>')

    data = _xlsx(edit, sst)
    assert len(data) < 20_000
    with pytest.raises(ImportRejected):
        rows = read_table("contatos.xlsx", data, max_bytes=5 << 20, max_rows=20_000)
        longest = max(len(c) for r in rows for c in r)
        cap = tables.XLSX_MAX_UNPACKED / 1e6
        raise AssertionError(f"accepted: a {len(data)} byte upload gave a cell of "
                             f"{longest / 1e6:.0f} MB (cap {cap:.0f} MB)")


def test_markdown_knowledge_import_is_capped_like_tables():
    """Tables are capped at MAX_ROWS (5,000) items, but a .md/.txt upload becomes one item
    per blank-line-separated paragraph with no cap: 5 MB of "a\\n\\n" parses into 1.75 M
    items (14 s, 470 MB just to parse; importing 20,000 took 10 s on SQLite, so ~15 min and
    1.75 M rows in one tenant's knowledge base)."""
    data = b"".join(b"paragrafo %d\n\n" % i for i in range(knowledge.MAX_ROWS * 4))
    assert len(data) < knowledge.MAX_UPLOAD_BYTES
    with pytest.raises(knowledge.KnowledgeImportError):
        items = knowledge.parse_upload("manual.md", data, kind="faq")
        raise AssertionError(f"accepted {len(items)} items from one text file "
                             f"(tables stop at {knowledge.MAX_ROWS})")
