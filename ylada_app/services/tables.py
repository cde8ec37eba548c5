"""Reading spreadsheets people upload (CSV in any of the usual dialects and encodings, or
XLSX) into rows of text — all or nothing: a file that cannot be read is refused as a whole with
its reason in pt-BR and English. Used by the AI's knowledge import and the contacts import."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

Said = str | tuple[str, str]  # pt-BR alone, or (pt-BR, English)


def said(words: Said, lang: str = "pt-BR") -> str:
    if isinstance(words, tuple):
        return words[1] if lang == "en" else words[0]
    return words


EMPTY = ("O arquivo está vazio.", "The file is empty.")


class ImportRejected(Exception):
    """The upload was rejected as a whole: why (`text`) and each bad row (`rows`), in the
    page's language; `message` and `row_errors` are the pt-BR ones."""

    def __init__(self, message: Said, row_errors: list[Said] | None = None) -> None:
        self._message, self._rows = message, list(row_errors or [])
        self.message = said(message)
        self.row_errors = [said(r) for r in self._rows]
        super().__init__(self.message)

    def text(self, lang: str = "pt-BR") -> str:
        return said(self._message, lang)

    def rows(self, lang: str = "pt-BR") -> list[str]:
        return [said(r, lang) for r in self._rows]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # (+ lone surrogates)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252/Latin-1; binary junk is refused."""
    if not data or not data.strip():
        raise ImportRejected(EMPTY)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = data.decode("cp1252")
        except UnicodeDecodeError:
            decoded = data.decode("latin-1")
    bad = len(_CONTROL.findall(decoded))
    if bad and bad > max(2, len(decoded) // 200):
        raise ImportRejected((
            "Não foi possível ler o texto do arquivo: a codificação não é reconhecida "
            "(salve como CSV UTF-8 ou Windows-1252) ou o arquivo não é de texto.",
            "The file's text could not be read: its encoding is not recognised (save it as "
            "CSV UTF-8 or Windows-1252) or it is not a text file."))
    return _CONTROL.sub(" ", decoded)


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ImportRejected((
            f"O arquivo tem {len(data) / 1024 / 1024:.1f} MB; o limite é "
            f"{max_bytes // 1024 // 1024} MB.",
            f"The file has {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes // 1024 // 1024} MB."))
    if not data or not data.strip():
        raise ImportRejected(EMPTY)


def _rows_from_csv(data: bytes) -> list[list[str]]:
    content = decode_bytes(data)
    sample = content[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # strict: an unclosed quote is an error, not a silently merged row
    reader = csv.reader(io.StringIO(content), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        unclosed = "end of data" in str(exc)
        why = "aspas abertas que não fecham" if unclosed else "aspas fora do lugar"
        why_en = "a quote opened and never closed" if unclosed else "a quote out of place"
        raise ImportRejected((
            f"CSV malformado perto da linha {reader.line_num}: {why}. Verifique as aspas e "
            "o separador e envie de novo.",
            f"Malformed CSV near line {reader.line_num}: {why_en}. Check the quotes and the "
            "separator and send it again.")) from exc
    return [r for r in rows if any(c.strip() for c in r)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else str(int(value))
    return str(value)


# An .xlsx is a zip: its size says little about what it unpacks to. openpyxl holds the whole
# shared-strings part in memory, so 1 MB of zip unpacking to 1 GB of text held that much
# (a "zip bomb"). A real spreadsheet of the rows we take unpacks to a few tens of MB.
XLSX_MAX_UNPACKED = 64 * 1024 * 1024
XLSX_MAX_RATIO = 200  # unpacked / packed, per part: text compresses ~10x, filler ~1000x
# What a sheet says of its own size is not trusted (a 5 KB file claiming A1:XFD1048576 made
# the reader pad 17 billion cells): columns past XLSX_MAX_COLUMNS are not read, and a sheet
# reaching past Excel's own last row is refused.
XLSX_MAX_COLUMNS = 200
XLSX_MAX_ROWS_SEEN = 1_048_576
_XLSX_INVALID = ("Planilha XLSX inválida ou corrompida (salve novamente no Excel como .xlsx).",
                 "Invalid or damaged XLSX spreadsheet (save it again in Excel as .xlsx).")


def _check_unpacked_size(data: bytes) -> None:
    import zipfile

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: load_workbook says it is no spreadsheet
    total = sum(p.file_size for p in parts)
    inflated = any(p.file_size > 1024 * 1024 and p.file_size > XLSX_MAX_RATIO
                   * max(p.compress_size, 1) for p in parts)
    if total > XLSX_MAX_UNPACKED or inflated:
        raise ImportRejected((
            "Planilha XLSX grande demais depois de descompactada: exporte só as colunas e "
            "linhas necessárias, ou envie como CSV.",
            "XLSX spreadsheet too large once unpacked: export only the columns and rows "
            "needed, or send it as CSV."))


def _rows_from_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRejected(_XLSX_INVALID) from exc
    except Exception as exc:  # openpyxl raises many kinds on junk (and, through defusedxml,
        # on the entities an XML bomb grows by: no spreadsheet program writes a DTD)
        raise ImportRejected(_XLSX_INVALID) from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise ImportRejected(("A planilha não tem nenhuma aba.",
                                  "The spreadsheet has no sheet."))
        ws.reset_dimensions()  # rows as the file holds them, not as its header claims
        rows = []
        seen = 0
        try:
            for raw in ws.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True):
                seen += 1
                if seen > XLSX_MAX_ROWS_SEEN:
                    raise ImportRejected((
                        "A planilha passa da última linha do Excel (1.048.576): salve de "
                        "novo no Excel ou envie como CSV.",
                        "The spreadsheet goes past Excel's last row (1,048,576): save it "
                        "again in Excel or send it as CSV."))
                if raw.count(None) == len(raw):  # (a gap: skipped at C speed)
                    continue
                row = [_cell(v).strip() for v in raw]
                if any(row):
                    rows.append(row)
                if len(rows) > max_rows + 1:
                    break
        except ImportRejected:
            raise
        except Exception as exc:  # a part that breaks while read (sheets load lazily)
            raise ImportRejected(_XLSX_INVALID) from exc
        return [r[:_last_filled(r)] for r in rows]
    finally:
        wb.close()


def _last_filled(row: list[str]) -> int:
    """The row's length without its trailing empty cells (max_col pads every row)."""
    n = len(row)
    while n and not row[n - 1]:
        n -= 1
    return n


def read_table(filename: str, data: bytes, *, max_bytes: int, max_rows: int
               ) -> list[list[str]]:
    """The non-empty rows (header first) of a CSV/TSV or XLSX file."""
    check_size(data, max_bytes)
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _rows_from_xlsx(data, max_rows)
    if name.endswith(".xls"):
        raise ImportRejected(("Formato .xls antigo não suportado: salve como .xlsx ou CSV.",
                              "The old .xls format is not supported: save as .xlsx or CSV."))
    if name.endswith((".csv", ".tsv", ".txt")):
        return _rows_from_csv(data)
    raise ImportRejected(("Tipo de arquivo não suportado: envie CSV ou XLSX.",
                          "File type not supported: send CSV or XLSX."))
