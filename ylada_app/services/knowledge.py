"""The AI assistant's knowledge: import (CSV, XLSX, FAQ, text/markdown), CRUD and retrieval.

Every function takes `tenant_id` and filters on it (and on the instance). Imports are
all-or-nothing: a file with any bad row writes nothing and reports every row's problem in
pt-BR. Every write stores the item's analysed text (services/knowledge_text.py: folded
words in `search_text`, stems per field in `search_stems`) and keeps SQLite's FTS5 table in
step; retrieval itself lives in services/knowledge_search.py (`search` is re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, text
from sqlmodel import Session, col, select

from ylada_app.models import Instance, KnowledgeItem, utcnow
from ylada_app.services import knowledge_search
from ylada_app.services import knowledge_text as kt
from ylada_app.services.errors import NotFound
from ylada_app.services.knowledge_search import Hit, Similarity, cosine  # noqa: F401
from ylada_app.services.tables import EMPTY, ImportRejected, check_size, decode_bytes, read_table
from ylada_app.services.validation import Validator, parse_id

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_TITLE = 300
MAX_BODY = 4000
MAX_SKU = 80  # the columns' sizes (models/ai.py)
MAX_CATEGORY = 120
MAX_TEXT_CHUNK = 1500
FTS_TABLE = knowledge_search.FTS_TABLE

Progress = Callable[[int, int], None]

# Header aliases (folded): canonical field → accepted column names.
PRODUCT_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("name", "nome", "produto", "titulo", "title", "item", "nome do produto"),
    "description": ("description", "descricao", "desc", "detalhes", "observacao"),
    "price": ("price", "preco", "valor", "preco (r$)", "preco r$", "valor (r$)"),
    "sku": ("sku", "codigo", "cod", "referencia", "ref", "code"),
    "category": ("category", "categoria", "departamento", "secao", "grupo"),
}
FAQ_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("question", "pergunta", "duvida", "q", "pergunta frequente"),
    "description": ("answer", "resposta", "r", "a"),
    "category": ("category", "categoria", "assunto", "tema"),
}

# The upload was rejected as a whole; `message` and `row_errors` are pt-BR.
KnowledgeImportError = ImportRejected


# --- text helpers ------------------------------------------------------------------------

fold = kt.fold


def _search_text(item: KnowledgeItem) -> str:
    """Set the item's analysed copies (`search_stems` too); returns `search_text`."""
    body = " ".join([item.body or ""] + [str(v) for v in (item.extra or {}).values()])
    meta = " ".join([item.category or "", item.sku or ""])
    item.search_stems = kt.document_stems(item.title, meta, body)
    return kt.normal_text(" ".join([item.title, meta, body]))


# --- parsing (reading the file: services/tables.py) --------------------------------------

def _map_header(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for idx, name in enumerate(header):
        folded = fold(name)
        for key, names in aliases.items():
            if key not in mapping and (folded in names or folded.replace(" ", "") in names):
                mapping[key] = idx
    return mapping


_PRICE = re.compile(r"^(r\$)?\s*\d{1,3}([.\s]?\d{3})*([.,]\d{1,2})?$|^(r\$)?\s*\d+([.,]\d{1,2})?$",
                    re.IGNORECASE)


def format_price(raw: str) -> str:
    """Keep what the catalog says; a bare number from a spreadsheet becomes "R$ 12,90"."""
    value = raw.strip()
    if re.fullmatch(r"\d+(\.\d{1,2})?", value):
        whole, _, cents = value.partition(".")
        cents = (cents + "00")[:2]
        grouped = f"{int(whole):,}".replace(",", ".")
        return f"R$ {grouped},{cents}"
    if re.fullmatch(r"\d+(,\d{1,2})?|\d{1,3}(\.\d{3})+(,\d{1,2})?", value):
        whole, _, cents = value.partition(",")
        return f"R$ {whole},{(cents + '00')[:2]}"
    return value


@dataclass
class ParsedItem:
    kind: str
    title: str
    body: str = ""
    price: str | None = None
    sku: str | None = None
    category: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _parse_table(rows: list[list[str]], kind: str, progress: Progress | None) -> list[ParsedItem]:
    if not rows:
        raise KnowledgeImportError(EMPTY)
    aliases = PRODUCT_ALIASES if kind == "product" else FAQ_ALIASES
    header = rows[0]
    mapping = _map_header(header, aliases)
    if "title" not in mapping:
        wanted = "nome (ou produto)" if kind == "product" else "pergunta"
        found = ", ".join(h for h in header if h)[:200]
        raise KnowledgeImportError((
            f"Cabeçalho não reconhecido: falta a coluna '{wanted}'. Colunas encontradas: "
            f"{found}.",
            f"Header not recognised: the column '{wanted}' is missing. Columns found: "
            f"{found}."))
    if kind == "faq" and "description" not in mapping:
        raise KnowledgeImportError((
            "Cabeçalho não reconhecido: falta a coluna 'resposta'.",
            "Header not recognised: the column 'resposta' (answer) is missing."))
    body_rows = rows[1:]
    if not body_rows:
        raise KnowledgeImportError((
            "O arquivo só tem o cabeçalho: nenhuma linha para importar.",
            "The file has only the header: no row to import."))
    if len(body_rows) > MAX_ROWS:
        raise KnowledgeImportError((f"O arquivo tem mais de {MAX_ROWS} linhas.",
                                    f"The file has more than {MAX_ROWS} rows."))
    known = set(mapping.values())
    items: list[ParsedItem] = []
    errors: list[tuple[str, str]] = []
    total = len(body_rows)
    for n, row in enumerate(body_rows, start=2):
        def get(key: str, row: list[str] = row) -> str:
            idx = mapping.get(key)
            return row[idx].strip() if idx is not None and idx < len(row) else ""

        title, body, price = get("title"), get("description"), get("price")
        line_errors: list[tuple[str, str]] = []
        if not title:
            line_errors.append(("nome vazio", "empty name") if kind == "product"
                               else ("pergunta vazia", "empty question"))
        elif len(title) > MAX_TITLE:
            line_errors.append((f"nome com mais de {MAX_TITLE} caracteres",
                                f"name longer than {MAX_TITLE} characters"))
        if len(body) > MAX_BODY:
            line_errors.append((f"texto com mais de {MAX_BODY} caracteres",
                                f"text longer than {MAX_BODY} characters"))
        if kind == "faq" and not body:
            line_errors.append(("resposta vazia", "empty answer"))
        if price and not _PRICE.match(price.replace(" ", "") if price.count(" ") <= 1 else price):
            line_errors.append((f"preço inválido '{price[:30]}'", f"invalid price '{price[:30]}'"))
        if len(get("sku")) > MAX_SKU:
            line_errors.append((f"código (SKU) com mais de {MAX_SKU} caracteres",
                                f"code (SKU) longer than {MAX_SKU} characters"))
        if len(get("category")) > MAX_CATEGORY:
            line_errors.append((f"categoria com mais de {MAX_CATEGORY} caracteres",
                                f"category longer than {MAX_CATEGORY} characters"))
        if line_errors:
            errors.append((f"Linha {n}: " + "; ".join(p for p, _ in line_errors) + ".",
                           f"Row {n}: " + "; ".join(e for _, e in line_errors) + "."))
        else:
            extra = {header[i].strip()[:60]: c.strip()[:500] for i, c in enumerate(row)
                     if i not in known and i < len(header) and header[i].strip() and c.strip()}
            items.append(ParsedItem(kind=kind, title=title, body=body,
                                    price=format_price(price) if price else None,
                                    sku=get("sku") or None, category=get("category") or None,
                                    extra=extra))
        if progress and (n % 50 == 0 or n == total + 1):
            progress(n - 1, total)
    if errors:
        raise KnowledgeImportError((
            f"Nada foi importado: {len(errors)} linha(s) com problema. Corrija e envie de novo.",
            f"Nothing was imported: {len(errors)} row(s) with problems. Fix them and send it "
            "again."), list(errors[:200]))
    return items


def _parse_text(content: str, kind: str) -> list[ParsedItem]:
    """Markdown/plain text: one item per heading section (or paragraph group)."""
    items: list[ParsedItem] = []
    title, lines = "", []

    def flush() -> None:
        body = "\n".join(lines).strip()
        if not body and not title:
            return
        head = title or body.split("\n", 1)[0][:80]
        is_faq = kind == "faq" or head.rstrip().endswith("?")
        for start in range(0, max(len(body), 1), MAX_TEXT_CHUNK):
            chunk = body[start:start + MAX_TEXT_CHUNK]
            items.append(ParsedItem(kind="faq" if is_faq else "text", title=head[:MAX_TITLE],
                                    body=chunk))
        if len(items) > MAX_ROWS:  # the tables' cap: stop reading at once
            raise KnowledgeImportError((
                f"O texto daria mais de {MAX_ROWS} itens: divida o arquivo ou junte "
                "parágrafos sob títulos (# Título).",
                f"The text would make more than {MAX_ROWS} items: split the file or gather "
                "paragraphs under headings (# Heading)."))

    heading = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
    question = re.compile(r"^\s*(p|pergunta|q)\s*[:\-]\s*(.+)$", re.IGNORECASE)
    answer = re.compile(r"^\s*(r|resposta|a)\s*[:\-]\s*(.*)$", re.IGNORECASE)
    for line in content.splitlines():
        m = heading.match(line) or question.match(line)
        if m:
            flush()
            title, lines = m.group(m.lastindex or 1).strip(), []
            continue
        a = answer.match(line)
        lines.append(a.group(2) if a else line)
        if not line.strip() and not title and "\n".join(lines).strip():
            flush()
            lines = []
    flush()
    return items


def parse_upload(filename: str, data: bytes, *, kind: str = "product",
                 progress: Progress | None = None) -> list[ParsedItem]:
    """Parse an upload; raises KnowledgeImportError and never returns partial data."""
    check_size(data, MAX_UPLOAD_BYTES)
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".csv", ".tsv")):
        items = _parse_table(read_table(filename, data, max_bytes=MAX_UPLOAD_BYTES,
                                        max_rows=MAX_ROWS), kind, progress)
    elif name.endswith((".txt", ".md", ".markdown")):
        items = _parse_text(decode_bytes(data), kind)
    else:
        raise KnowledgeImportError((
            "Tipo de arquivo não suportado: envie CSV, XLSX, TXT ou MD.",
            "File type not supported: send CSV, XLSX, TXT or MD."))
    if not items:
        raise KnowledgeImportError(("Nenhum item encontrado no arquivo.",
                                    "No item found in the file."))
    return items


# --- storage -----------------------------------------------------------------------------

def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def ensure_fts(session: Session) -> None:
    """SQLite only: the FTS5 table (the migration creates it; create_all does not)."""
    if _is_sqlite(session):
        session.connection().execute(text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "words, scope, tokenize = 'unicode61 remove_diacritics 2')"))


def _fts_put(session: Session, items: list[KnowledgeItem]) -> None:
    """Keep the search structures in step with `items` (saved and flushed)."""
    for tenant_id, instance_id in {(it.tenant_id, it.instance_id) for it in items}:
        knowledge_search.refresh_vocabulary(session, tenant_id, instance_id)
    if not _is_sqlite(session) or not items:
        return
    ensure_fts(session)
    conn = session.connection()
    conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"),
                 [{"id": it.id} for it in items])
    conn.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, words, scope) VALUES (:id, :w, :s)"),
                 [{"id": it.id, "w": it.search_stems,
                   "s": knowledge_search.scope_token(it.tenant_id, it.instance_id)}
                  for it in items])


def _fts_delete(session: Session, ids: list[int]) -> None:
    if _is_sqlite(session) and ids:
        ensure_fts(session)
        session.connection().execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"),
                                     [{"id": i} for i in ids])


def _instance(session: Session, tenant_id: int, instance_id: int) -> Instance:
    iid = parse_id(instance_id)
    inst = session.get(Instance, iid) if iid is not None else None
    if inst is None or inst.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return inst


def import_items(session: Session, *, tenant_id: int, instance_id: int,
                 items: list[ParsedItem], source: str | None = None,
                 replace: bool = False, progress: Progress | None = None) -> int:
    """Insert parsed items in the caller's transaction (all or nothing)."""
    _instance(session, tenant_id, instance_id)
    if replace:
        clear(session, tenant_id=tenant_id, instance_id=instance_id)
    now = utcnow()
    rows: list[KnowledgeItem] = []
    total = len(items)
    for n, parsed in enumerate(items, start=1):
        row = KnowledgeItem(tenant_id=tenant_id, instance_id=instance_id, kind=parsed.kind,
                            title=parsed.title[:MAX_TITLE], body=parsed.body[:MAX_BODY],
                            price=parsed.price, sku=(parsed.sku or None),
                            category=parsed.category, extra=parsed.extra,
                            source=(source or "")[:200] or None, created_at=now,
                            updated_at=now)
        row.search_text = _search_text(row)
        rows.append(row)
        if progress and (n % 100 == 0 or n == total):
            progress(n, total)
    session.add_all(rows)
    session.flush()
    _fts_put(session, rows)
    return len(rows)


def import_upload(session: Session, *, tenant_id: int, instance_id: int, filename: str,
                  data: bytes, kind: str = "product", replace: bool = False,
                  progress: Progress | None = None) -> int:
    items = parse_upload(filename, data, kind=kind, progress=progress)
    return import_items(session, tenant_id=tenant_id, instance_id=instance_id, items=items,
                        source=filename, replace=replace)


@dataclass(frozen=True)
class _Typed:
    title: str
    body: str
    sku: str | None
    category: str | None


def _typed_item(title: object, body: object, price: str | None, sku: str | None,
                category: str | None) -> _Typed:
    """A typed item's fields, cleaned; too long is refused with the maximum, never cut
    behind the owner's back (an import cuts its long texts: a file has no field to point
    at; a code or category over its column is a row error there)."""
    v = Validator()
    title_text = v.text("title", title, max_len=MAX_TITLE, required=True,
                        required_code="knowledge.title_required")
    body_text = v.text("body", body, max_len=MAX_BODY)
    if price and price.strip() and not _PRICE.match(price.strip()):
        v.fail("price", "knowledge.bad_price")
    sku_text, category_text = (sku or "").strip(), (category or "").strip()
    if len(sku_text) > MAX_SKU:
        v.fail("sku", "error.too_long", max=MAX_SKU)
    if len(category_text) > MAX_CATEGORY:
        v.fail("category", "error.too_long", max=MAX_CATEGORY)
    v.raise_if_any()
    return _Typed(title_text, body_text, sku_text or None, category_text or None)


LEARNED = "aprendizado"  # the source of a FAQ the team wrote on Treinar IA's answers


def add_item(session: Session, *, tenant_id: int, instance_id: int, kind: str, title: str,
             body: str = "", price: str | None = None, sku: str | None = None,
             category: str | None = None, source: str = "manual") -> KnowledgeItem:
    typed = _typed_item(title, body, price, sku, category)
    kind = kind if kind in ("product", "faq", "text") else "text"
    parsed = ParsedItem(kind=kind, title=typed.title, body=typed.body,
                        price=format_price(price) if price and price.strip() else None,
                        sku=typed.sku, category=typed.category)
    import_items(session, tenant_id=tenant_id, instance_id=instance_id, items=[parsed],
                 source=source)
    return session.exec(select(KnowledgeItem).where(
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id)
        .order_by(col(KnowledgeItem.id).desc())).first()  # type: ignore[return-value]


def get_item(session: Session, *, tenant_id: int, item_id: int) -> KnowledgeItem:
    iid = parse_id(item_id)  # (None for words and numbers past the id column)
    item = session.get(KnowledgeItem, iid) if iid is not None else None
    if item is None or item.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return item


def update_item(session: Session, *, tenant_id: int, item_id: int, title: str,
                body: str = "", price: str | None = None, sku: str | None = None,
                category: str | None = None) -> KnowledgeItem:
    item = get_item(session, tenant_id=tenant_id, item_id=item_id)
    typed = _typed_item(title, body, price, sku, category)
    item.title, item.body, item.sku, item.category = (typed.title, typed.body, typed.sku,
                                                      typed.category)
    item.price = format_price(price) if price and price.strip() else None
    item.search_text = _search_text(item)
    item.embedding = None
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    _fts_put(session, [item])
    return item


def delete_item(session: Session, *, tenant_id: int, item_id: int) -> None:
    item = get_item(session, tenant_id=tenant_id, item_id=item_id)
    _fts_delete(session, [item.id])  # type: ignore[list-item]
    session.delete(item)
    session.flush()
    knowledge_search.refresh_vocabulary(session, tenant_id, item.instance_id)


def clear(session: Session, *, tenant_id: int, instance_id: int) -> int:
    ids = list(session.exec(select(KnowledgeItem.id).where(
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id)))
    _fts_delete(session, ids)  # type: ignore[arg-type]
    session.exec(delete(KnowledgeItem).where(  # type: ignore[call-overload]
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id))
    knowledge_search.refresh_vocabulary(session, tenant_id, instance_id)
    return len(ids)


def list_items(session: Session, *, tenant_id: int, instance_id: int, query: str = "",
               kind: str = "", limit: int = 200, offset: int = 0) -> list[KnowledgeItem]:
    """The items of an instance, or those matching `query` (accents ignored; when the word
    search finds nothing, names written with a typo — "calabreza", "pitza" — still match)."""
    if query.strip():
        found = [hit.item for hit in search(session, tenant_id=tenant_id,
                                            instance_id=instance_id, question=query, k=limit,
                                            floor=False)]
        if not found:
            found = _typo_tolerant(session, tenant_id, instance_id, query, limit)
        return [item for item in found if not kind or item.kind == kind]
    stmt = select(KnowledgeItem).where(KnowledgeItem.tenant_id == tenant_id,
                                       KnowledgeItem.instance_id == instance_id)
    if kind:
        stmt = stmt.where(KnowledgeItem.kind == kind)
    return list(session.exec(stmt.order_by(col(KnowledgeItem.id)).offset(offset).limit(limit)))


FUZZY_SCAN_MAX = 5000


def _typo_tolerant(session: Session, tenant_id: int, instance_id: int, query: str,
                   limit: int) -> list[KnowledgeItem]:
    """Items whose name, category or code has a close spelling of every word asked for."""
    from rapidfuzz import fuzz, process

    words = [w for w in fold(query).split() if w not in kt.stopwords() and len(w) >= 3][:8]
    if not words:
        return []
    rows = session.exec(select(KnowledgeItem).where(
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id)
        .order_by(col(KnowledgeItem.id)).limit(FUZZY_SCAN_MAX)).all()
    scored: list[tuple[float, int, KnowledgeItem]] = []
    for item in rows:
        vocabulary = set(fold(" ".join((item.title, item.category or "",
                                        item.sku or ""))).split())
        if not vocabulary:
            continue
        total = 0.0
        for word in words:
            # short words must be spelled right; longer ones may have a letter or two off
            cutoff = 100 if len(word) <= 3 else 75
            best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best is None:
                break
            total += best[1]
        else:
            scored.append((total, -(item.id or 0), item))
    scored.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [item for _, _, item in scored[:limit]]


def count_items(session: Session, *, tenant_id: int, instance_id: int) -> int:
    from sqlalchemy import func

    return int(session.exec(select(func.count()).select_from(KnowledgeItem).where(
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id)).one())


# --- retrieval ---------------------------------------------------------------------------

def search(session: Session, *, tenant_id: int, instance_id: int, question: str,
           k: int = 5, similarity: Similarity | None = None, floor: bool = True) -> list[Hit]:
    """Top-k items for `question`, best first (tenant- and instance-scoped); weak matches
    are dropped unless `floor=False`. See services/knowledge_search.py.

    `similarity` (optional): item id → cosine similarity of embeddings for the candidates,
    blended into the lexical score as a re-rank (services.ai builds it from the endpoint's
    /embeddings when AI_EMBEDDING_MODEL is set)."""
    return knowledge_search.search(
        session, tenant_id=tenant_id, instance_id=instance_id, question=question, k=k,
        similarity=similarity, floor=floor,
        custom_synonyms=knowledge_search.custom_synonyms(session, tenant_id))
