"""Retrieval for the AI assistant: the knowledge items that answer a customer's question.

1. The question becomes concepts (services/knowledge_text.py): WhatsApp spellings expanded
   ("vc", "p/", "fds"), stop words dropped, words stemmed, synonym phrases of the built-in
   lists and of the business expanded. A misspelt word — one the catalog, the lists and the
   dictionary all ignore — is first read as the everyday word one slip away (a letter left
   out, doubled, wrong, or two swapped) that the catalog or else the lists use, before the
   phrases are looked for ("blsa de frio" → "blusa de frio"); one still unknown is matched,
   within an edit distance, to the catalog's closest stems ("calabreza" → calabresa), or
   else to a word of the lists, which brings its group ("deivery" → entrega). Synonyms the
   instance's items never use are dropped before the query; a list phrase they never use
   is read word by word. A catalog that uses many words of a niche's list is of that niche:
   synonyms only other niches' lists give weigh half there (the car list's "buraco → mola"
   must not send a dental clinic's "buraco no dente" to the molar). A catalog of no listed
   niche takes every list at full weight.
2. Statistics come from the instance's own `knowledge_vocab` row (each stem with the number
   of its items holding it, and the item count; rewritten on every change of the
   knowledge), so one business's catalog never changes another's weights (SQLite's FTS5
   statistics are shared by every business and are not used for scoring).
3. The database returns the instance's items holding the question's rarest concepts, at
   most CANDIDATES_MAX (PostgreSQL: the instance's `knowledge_posting` rows of those
   stems, then the items by id; SQLite: the FTS5 table `knowledge_fts` over the stemmed
   copy `search_stems`, matched with the instance's `scope` token). Only ids and stems
   travel.
4. Scoring happens here, the same on both databases: BM25F-like, a word in the title counts
   most, then category/code, then description. A concept's idf is that of its most common
   alternative, from the statistics (not from the candidates read, which differ a little
   between the databases).
5. A relevance floor: an item must cover enough of what was asked. A question about
   something the business does not sell ("vocês vendem sushi?") reaches the model with no
   item, or only the single best one when it is weakly related. The words the catalog
   never uses weigh together as their square root: a long told story ("travei as costas
   carregando caixa ontem…") is not out of scope for its many unknown words; the item that
   covers most of such a story goes to the model alone down to ONE_ITEM_COVERAGE, and one
   scoring 1.5 times the runner-up even below that.
6. Two things asked at once ("…? e qual o horário?"): the best item of each part that has a
   clear answer of its own is kept right after the overall best.
7. A budget the question names ("fone sem fio até uns 300?", "uns 80 reais") is no word to
   look for (the FAQ "frete grátis acima de 300" holds the number): among the best
   candidates, items priced within it rank higher and items above it lower.
8. Something asked absent ("sem glúten", "zero lactose"): an item whose text says it holds
   it ("Sem lactose, contém glúten") has the words of "sem glúten" too; it ranks far lower.

The optional embeddings re-rank (`similarity`) blends in as before, over the best lexical
candidates. Small per-process caches (statistics, the business's synonyms) live
CACHE_SECONDS and are dropped at once by writes in the same process.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlmodel import Session, col, select

from ylada_app.models import KnowledgeItem
from ylada_app.services import knowledge_text as kt

FTS_TABLE = "knowledge_fts"
CANDIDATES_MAX = 150  # items read and scored per question (PostgreSQL)
SQLITE_CANDIDATES_MAX = 1000  # the embedded mode holds small catalogs
# BM25F: field weights (title, meta = category and code, body), saturation, title length
W_TITLE, W_META, W_BODY = 1.0, 0.6, 0.45
K1 = 1.2
B_TITLE = 0.3
PREFIX_FACTOR = 0.7  # "refri" in "refrigerante": a match, a weaker one
PREFIX_MIN = 4  # a shorter stem matches only itself
TYPO_WEIGHT = 0.8
DIMINUTIVE_WEIGHT = 0.95  # "cafezinho" is a café, nearly as surely as "café"
UNMATCHED_FACTOR = 0.55  # the weight of a word the catalog never uses, relative to a rare one
NUMBER_FACTOR = 0.3  # an unknown number counts as this share of an unknown word
MIN_COVERAGE = 0.3  # below this share of the question, an item is not about it…
# …but the one that covers most of a question told as a story ("minha mãe é diabética e
# faz 70 anos, queria um bolo que ela pudesse comer") still goes to the model alone when
# it covers this much: most of such a question is the story, and the model, seeing one
# item, can still say it does not know (an unanswered question for the team).
ONE_ITEM_COVERAGE = 0.2
# …and below that, one item that stands far above the rest (1.5 times the runner-up's
# score) and covers some of it ("mês que vem é o niver do meu filho, vão ser umas 40
# crianças, vocês levam açaí pra festa?").
DOMINANT_COVERAGE, DOMINANCE = 0.15, 1.5
STRONG_COVERAGE = 0.5  # below this, only the best item goes to the model
NEAR_COVERAGE = 0.9  # …the best ranked of those covering this share of the best coverage
MIN_RELATIVE = 0.45  # the others must score at least this share of the best
RERANK_POOL = 20  # lexical candidates shown to the optional embeddings re-rank
TITLE_SHARE = 1.0  # score bonus of an item whose whole title the question reaches
PART_COVERAGE = 0.75  # a part of a question that asks two things: clearly answered
PAGE_SHARE = 0.75  # the search box lists items covering this share of the best one's words
CACHE_SECONDS = 120.0
DOMAIN_MIN_WORDS = 20  # a catalog of a niche uses this many words of the niche's list
OTHER_NICHE_FACTOR = 0.5  # a synonym from another niche's list: weaker evidence
BUDGET_FIT, BUDGET_OVER = 1.3, 0.6  # an item within / above the budget the question names
CONTRADICTED = 0.4  # an item that says it holds what the question wants absent


@dataclass
class Hit:
    item: KnowledgeItem
    score: float


Similarity = Callable[[str, list[KnowledgeItem]], dict[int, float]]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def scope_token(tenant_id: int, instance_id: int) -> str:
    return f"t{int(tenant_id)}x{int(instance_id)}"


# --- per-instance memory: item count and vocabulary ----------------------------------------

class _InstanceCache:
    """(tenant, instance) → (expires_at, value). Writes in this process forget the instance
    at once (`forget`); other processes see a change within CACHE_SECONDS, which only
    affects typo fixes and the item count used in the weights."""

    def __init__(self, size: int = 512) -> None:
        self.size, self.lock = size, threading.Lock()
        self.data: dict[tuple, tuple[float, object]] = {}

    def get(self, key: tuple) -> object | None:
        with self.lock:
            hit = self.data.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: tuple, value: object) -> None:
        with self.lock:
            if len(self.data) >= self.size:
                for old in sorted(self.data, key=lambda k: self.data[k][0])[: self.size // 4]:
                    self.data.pop(old, None)
            self.data[key] = (time.monotonic() + CACHE_SECONDS, value)

    def forget(self, tenant_id: int, instance_id: int) -> None:
        with self.lock:
            for key in [k for k in self.data if k[1:3] == (tenant_id, instance_id)]:
                self.data.pop(key, None)


_cache = _InstanceCache()
# A business's own synonyms: a few short pairs (most have none), so many more businesses
# fit than statistics do — a question of a business not in the statistics cache then
# costs one read of the database, not two.
_synonym_cache = _InstanceCache(8192)


def forget(tenant_id: int, instance_id: int) -> None:
    """Called by every write to an instance's knowledge."""
    _cache.forget(int(tenant_id), int(instance_id))


def forget_synonyms(tenant_id: int) -> None:
    _synonym_cache.forget(int(tenant_id), 0)


def _db(session: Session) -> str:
    """Which database (a process may hold several: tests, the benches)."""
    return str(session.get_bind().url)


def custom_synonyms(session: Session, tenant_id: int) -> list[tuple[str, str]]:
    """The business's own (customer says, meaning) pairs, remembered for a short while."""
    key = ("synonyms", int(tenant_id), 0, _db(session))
    cached = _synonym_cache.get(key)
    if cached is None:
        cached = [(r[0], r[1]) for r in session.connection().execute(text(
            "SELECT phrase, meaning FROM knowledge_synonym WHERE tenant_id = :t ORDER BY id"),
            {"t": int(tenant_id)})]
        _synonym_cache.put(key, cached)
    return cached  # type: ignore[return-value]


class _Stats:
    """An instance's retrieval statistics (its knowledge_vocab row), cached per process.

    Prefix questions ("refri" → every stem starting with it) are answered from the stems in
    sorted order (a binary search, not a scan of the whole vocabulary) and remembered, as
    the same few prefixes come back question after question."""

    def __init__(self, items: int, df: dict[str, int]) -> None:
        self.items = items
        self.df = df  # stem → items holding it
        self._sorted: list[str] | None = None
        self._longer: dict[str, tuple[str, ...]] = {}
        self._typo_vocabulary: list[str] | None = None
        self._domains: frozenset[str] | None = None

    def domains(self) -> frozenset[str]:
        """The niche lists this catalog is of: those it uses at least DOMAIN_MIN_WORDS
        words of."""
        if self._domains is None:
            self._domains = frozenset(
                d for d, stems in kt.domain_stems().items()
                if sum(1 for st in stems if st in self.df) >= DOMAIN_MIN_WORDS)
        return self._domains

    def longer(self, stem: str) -> tuple[str, ...]:
        """The instance's stems that start with `stem`, other than itself."""
        found = self._longer.get(stem)
        if found is None:
            if self._sorted is None:
                self._sorted = sorted(self.df)
            keys = self._sorted
            at = bisect.bisect_right(keys, stem)
            end = bisect.bisect_left(keys, stem + "\U0010ffff", at)
            found = tuple(keys[at:end])
            if len(self._longer) < 4096:
                self._longer[stem] = found
        return found

    def typo_vocabulary(self) -> list[str]:
        """The stems a misspelt word may be matched to."""
        if self._typo_vocabulary is None:
            # never a stop word's stem: "quente" is not "quando", however close
            stop = kt.stop_stems()
            self._typo_vocabulary = [st for st in self.df if len(st) >= 3 and not st.isdigit()
                                     and st not in stop]
        return self._typo_vocabulary

    def concept_df(self, concept: kt.Concept) -> int:
        """Items holding any alternative, estimated from the stems' counts (exact for one
        word; a sum, capped at the item count, for several)."""
        total = 0
        for alt in concept.alternatives:
            counts = [self.stem_df(s, alt.prefix and len(alt.stems) == 1) for s in alt.stems]
            total += min(counts) if counts else 0
        return min(total, self.items)

    def concept_weight_df(self, concept: kt.Concept) -> int:
        """The df a concept's idf is computed from: that of its most common alternative
        (for a phrase, of its rarest word). A sum over the alternatives would make a word
        with many synonyms weightless ("puxando" → alinhamento, desalinhado, …), though a
        catalog names the thing with one of them; and the statistics, not the candidates
        read, decide it, so both databases weigh alike."""
        best = 0
        for alt in concept.alternatives:
            counts = [self.stem_df(s, alt.prefix and len(alt.stems) == 1) for s in alt.stems]
            best = max(best, min(counts) if counts else 0)
        return best

    def stem_df(self, stem: str, prefix: bool) -> int:
        exact = self.df.get(stem, 0)
        if not prefix or len(stem) < PREFIX_MIN:
            return exact
        return exact + sum(self.df[st] for st in self.longer(stem))


def _stats(session: Session, tenant_id: int, instance_id: int) -> _Stats:
    key = ("vocab", tenant_id, instance_id, _db(session))
    cached = _cache.get(key)
    if cached is None:
        row = session.connection().execute(text(
            "SELECT words, items FROM knowledge_vocab WHERE tenant_id = :t AND instance_id = :i"),
            {"t": tenant_id, "i": instance_id}).first()
        cached = _Stats(int(row[1]), kt.parse_vocabulary(row[0])) if row else _Stats(0, {})
        _cache.put(key, cached)
    return cached  # type: ignore[return-value]


def refresh_vocabulary(session: Session, tenant_id: int, instance_id: int) -> None:
    """Rewrite the instance's knowledge_vocab row from its items (after every change)."""
    tenant_id, instance_id = int(tenant_id), int(instance_id)
    conn = session.connection()
    words, items = kt.vocabulary(r[0] for r in conn.execute(text(
        "SELECT search_stems FROM knowledge_item WHERE tenant_id = :t AND instance_id = :i"),
        {"t": tenant_id, "i": instance_id}))
    values = {"w": words, "n": items, "t": tenant_id, "i": instance_id}
    done = conn.execute(text(
        "UPDATE knowledge_vocab SET words = :w, items = :n, updated_at = CURRENT_TIMESTAMP "
        "WHERE tenant_id = :t AND instance_id = :i"), values)
    if not done.rowcount:
        conn.execute(text(
            "INSERT INTO knowledge_vocab (tenant_id, instance_id, words, items, updated_at) "
            "VALUES (:t, :i, :w, :n, CURRENT_TIMESTAMP)"), values)
    if conn.dialect.name == "postgresql":
        conn.execute(text("DELETE FROM knowledge_posting WHERE instance_id = :i"), values)
        conn.execute(text(POSTINGS_SQL), values)
    forget(tenant_id, instance_id)


# An instance's postings (models.KnowledgePosting) from its items' search_stems: each stem
# (split as kt.vocabulary splits them) with the ids of the items holding it, in order.
POSTINGS_SQL = (
    "INSERT INTO knowledge_posting (instance_id, stem, tenant_id, ids) "
    "SELECT :i, st, :t, string_agg(id::text, ' ' ORDER BY id) FROM ("
    " SELECT DISTINCT k.id, st FROM knowledge_item k,"
    "  regexp_split_to_table(replace(k.search_stems, '|', ' '), '\\s+') AS st"
    " WHERE k.tenant_id = :t AND k.instance_id = :i) x "
    "WHERE st <> '' AND length(st) <= 100 GROUP BY st")


# --- candidates ----------------------------------------------------------------------------

@dataclass
class _Doc:
    id: int
    stems: str  # search_stems as stored: parsed only as far as the question needs

    def fields(self) -> tuple[list[str], str, str]:
        title, _, rest = self.stems.partition(kt.FIELD_SEP)
        meta, _, body = rest.partition(kt.FIELD_SEP)
        return title.split(), meta, body


def _fts_expr(alts: list[kt.Alternative]) -> str:
    """FTS5 query text for "any of these alternatives" (a phrase: all of its stems)."""
    parts = []
    for alt in alts:
        if len(alt.stems) == 1:
            s = alt.stems[0]
            parts.append(f'"{s}"*' if alt.prefix and len(s) >= PREFIX_MIN else f'"{s}"')
        else:
            parts.append("(" + " AND ".join(f'"{s}"' for s in alt.stems) + ")")
    return " OR ".join(parts)


def _worth_reading(concepts: list[kt.Concept], stats: _Stats, cap: int) -> list[kt.Concept]:
    """The concepts whose items are read: the rarest first, while their items fit in the
    cap (always the rarest one). An item holding only very common words of the question
    cannot outrank one holding its rare words, so reading the common words' thousands of
    items is skipped (as MaxScore-style search engines do)."""
    present = sorted((c for c in concepts if c.alternatives and stats.concept_df(c)),
                     key=stats.concept_df)
    chosen: list[kt.Concept] = []
    total = 0
    for concept in present:
        df = stats.concept_df(concept)
        if chosen and total + df > cap:
            break
        chosen.append(concept)
        total += df
    return chosen


def _fetch(session: Session, tenant_id: int, instance_id: int,
           concepts: list[kt.Concept], stats: _Stats) -> list[_Doc]:
    """The instance's items holding an alternative of the concepts worth reading (ids and
    stems; at most the cap: when one concept alone has more items, the database's own rank
    picks which)."""
    sqlite = is_sqlite(session)
    cap = SQLITE_CANDIDATES_MAX if sqlite else CANDIDATES_MAX
    chosen = _worth_reading(concepts, stats, cap)
    alts = [a for c in chosen for a in c.alternatives]
    if not alts:
        return []
    ordered = sum(stats.concept_df(c) for c in chosen) > cap
    if sqlite:
        scope = f'scope : "{scope_token(tenant_id, instance_id)}"'
        rows = session.connection().execute(text(
            f"SELECT rowid, words FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m "
            + (f"ORDER BY bm25({FTS_TABLE}) " if ordered else "") + "LIMIT :n"),
            {"m": f"{scope} AND words : ({_fts_expr(alts)})", "n": cap}).all()
    else:
        rows = _posted(session, tenant_id, instance_id, chosen, stats, cap)
    return [_Doc(int(r[0]), r[1] or "") for r in rows]


def _posted(session: Session, tenant_id: int, instance_id: int, chosen: list[kt.Concept],
            stats: _Stats, cap: int) -> list[tuple[int, str]]:
    """PostgreSQL: the candidates from the instance's postings — the items holding an
    alternative (a word, a word's longer forms for a prefix, every word of a phrase) —
    and, beyond the cap, those holding the most of the concepts first. Two primary-key
    reads instead of a text query tested against every item of the instance."""
    def stems_of(alt: kt.Alternative) -> list[list[str]]:
        if len(alt.stems) == 1 and alt.prefix and len(alt.stems[0]) >= PREFIX_MIN:
            return [[alt.stems[0], *stats.longer(alt.stems[0])]]
        return [[st] for st in alt.stems]  # a phrase: each of its words

    wanted = {st for c in chosen for a in c.alternatives for group in stems_of(a)
              for st in group}
    conn = session.connection().connection.driver_connection
    posted = {st: ids for st, ids in conn.execute(
        "SELECT stem, ids FROM knowledge_posting WHERE tenant_id = %s AND instance_id = %s"
        " AND stem = ANY(%s)", (tenant_id, instance_id, sorted(wanted)))}
    held: dict[int, int] = {}  # item id → concepts it holds
    for concept in chosen:
        found: set[int] = set()
        for alt in concept.alternatives:
            every: set[int] | None = None
            for group in stems_of(alt):
                ids = {int(x) for st in group for x in posted.get(st, "").split()}
                every = ids if every is None else every & ids
            found |= every or set()
        for item_id in found:
            held[item_id] = held.get(item_id, 0) + 1
    if not held:
        return []
    ids = sorted(held, key=lambda i: (-held[i], i))[:cap]
    return conn.execute(
        "SELECT id, search_stems FROM knowledge_item WHERE tenant_id = %s"
        " AND instance_id = %s AND id = ANY(%s)", (tenant_id, instance_id, ids)).fetchall()


# --- scoring -------------------------------------------------------------------------------

def _idf(n_items: int, df: int) -> float:
    return math.log(1.0 + (n_items - df + 0.5) / (df + 0.5))


class _Scorer:
    """BM25F-like scores over the candidates, with statistics of this instance only.

    For a stem and an item: tf = Σ field weight × occurrences (title occurrences divided
    by a title-length norm), saturated as BM25 does (k1). A concept (a word of the question
    with its synonyms) has one idf, from the number of items holding any of its
    alternatives, and counts through its best alternative for each item.

    Speed: each candidate's stems are read once, and only the question's stems (and the
    longer words they are a prefix of) are kept, in small posting lists."""

    def __init__(self, docs: list[_Doc], stats: _Stats, concepts: list[kt.Concept]) -> None:
        self.docs = docs
        self.n = max(stats.items, len(docs), 1)
        self.weight_dfs = {id(c): stats.concept_weight_df(c) for c in concepts}
        exact: set[str] = set()
        prefixes: set[str] = set()
        for c in concepts:
            for alt in c.alternatives:
                exact.update(alt.stems)
                if alt.prefix and len(alt.stems) == 1 and len(alt.stems[0]) >= PREFIX_MIN:
                    prefixes.add(alt.stems[0])
        parsed = [(d.id, *d.fields()) for d in docs]
        self.titles = {p[0]: p[1] for p in parsed}
        self.title_len = {p[0]: len(p[1]) for p in parsed}
        self.avg_title = (sum(self.title_len.values()) / len(parsed)) if parsed else 1.0
        # the longer words a prefix reaches, from the instance's vocabulary (a superset of
        # the candidates' words: only those the candidates hold get postings below)
        self._expand: dict[str, frozenset[str]] = {
            p: frozenset(stats.longer(p)) for p in prefixes}
        wanted = exact.union(*self._expand.values()) if self._expand else exact
        # stem → item id → (title, meta, body) field values
        self.postings: dict[str, dict[int, tuple[float, float, float]]] = {}
        for doc_id, title, meta, body in parsed:
            title_set = wanted.intersection(title)
            meta_set = wanted.intersection(meta.split()) if meta else set()
            body_set = wanted.intersection(body.split()) if body else set()
            if not (title_set or meta_set or body_set):
                continue
            norm = W_TITLE / (1 - B_TITLE + B_TITLE * len(title) / self.avg_title)
            for st in title_set | meta_set | body_set:
                self.postings.setdefault(st, {})[doc_id] = (
                    norm * title.count(st) if st in title_set else 0.0,
                    W_META if st in meta_set else 0.0,
                    W_BODY if st in body_set else 0.0)
        self.vocab_known = exact.intersection(self.postings)
        self._token: dict[tuple[str, bool], dict[int, tuple[float, float, float, float]]] = {}
        self._concepts: dict[int, tuple[float, dict[int, tuple[float, float]]]] = {}

    def expansions(self, stem: str, prefix: bool) -> frozenset[str]:
        """Stems of the candidates that `stem` matches: itself, and longer ones starting
        with it when allowed (a prefix match)."""
        found = {stem} if stem in self.postings else set()
        if prefix:
            found |= {v for v in self._expand.get(stem, ()) if v in self.postings}
        return frozenset(found)

    def token(self, stem: str, prefix: bool) -> dict[int, tuple[float, float, float, float]]:
        """item id → (title, meta, body field values, match quality) for one stem."""
        key = (stem, prefix)
        if key in self._token:
            return self._token[key]
        out: dict[int, tuple[float, float, float, float]] = {
            doc_id: (*values, 1.0) for doc_id, values in self.postings.get(stem, {}).items()}
        if prefix:
            for longer in self._expand.get(stem, ()):
                for doc_id, values in self.postings.get(longer, {}).items():
                    loose = tuple(v * PREFIX_FACTOR for v in values)
                    have = out.get(doc_id)
                    if have is None:
                        out[doc_id] = (*loose, PREFIX_FACTOR)
                    elif have[3] < 1.0:
                        out[doc_id] = (*(max(x, y) for x, y in zip(have[:3], loose,
                                                                    strict=True)), have[3])
                    else:  # exact in one field, a longer word in another
                        out[doc_id] = (*(x if x else y for x, y in zip(have[:3], loose,
                                                                        strict=True)), 1.0)
        self._token[key] = out
        return out

    def concept(self, concept: kt.Concept) -> tuple[float, dict[int, tuple[float, float]]]:
        """A concept's idf, and item id → (rank share, coverage share) for each item it
        matches; remembered, as the parts of a question are scored again (`_each_part`)."""
        done = self._concepts.get(id(concept))
        if done is not None:
            return done
        best: dict[int, list[float]] = {}  # item id → [title, meta, body, coverage]
        for alt in concept.alternatives:
            self._merge(alt, best)
        idf = _idf(self.n, max(1, self.weight_dfs[id(concept)]))
        per_doc = {}
        for doc_id, (title, meta, body, cover) in best.items():
            tf = title + meta + body
            per_doc[doc_id] = (idf * tf * (K1 + 1) / (tf + K1), idf * min(cover, 1.0))
        self._concepts[id(concept)] = (idf, per_doc)
        return idf, per_doc

    def _merge(self, alt: kt.Alternative, best: dict[int, list[float]]) -> None:
        """Fold one alternative into the concept's per-item values: per field, the best
        alternative counts. A phrase needs all its words: a part of the customer's own
        phrase counts in proportion, a part of a synonym phrase much less. (One pass over
        each word's postings, in place: niche lists give a word dozens of phrases, and
        per-item lists for each made this the search's slowest part.)"""
        w = alt.weight
        if len(alt.stems) == 1:  # the common case, without the phrase bookkeeping
            values = ((doc_id, h[0] * w, h[1] * w, h[2] * w, h[3] * w)
                      for doc_id, h in self.token(alt.stems[0], alt.prefix).items())
        else:
            sums: dict[int, list[float]] = {}  # item id → [words found, title, meta, body, cover]
            for stem in alt.stems:
                for doc_id, h in self.token(stem, False).items():
                    acc = sums.get(doc_id)
                    if acc is None:
                        sums[doc_id] = [1, h[0], h[1], h[2], h[3]]
                    else:
                        acc[0] += 1
                        acc[1] += h[0]
                        acc[2] += h[1]
                        acc[3] += h[2]
                        acc[4] += h[3]
            size = len(alt.stems)
            own = w >= 1.0

            def scaled():
                for doc_id, (found, title, meta, body, cover) in sums.items():
                    share = found / size
                    factor = (share if own else share * share) * w / size
                    yield doc_id, title * factor, meta * factor, body * factor, cover * factor
            values = scaled()
        for doc_id, title, meta, body, cover in values:
            have = best.get(doc_id)
            if have is None:
                best[doc_id] = [title, meta, body, cover]
                continue
            if title > have[0]:
                have[0] = title
            if meta > have[1]:
                have[1] = meta
            if body > have[2]:
                have[2] = body
            if cover > have[3]:
                have[3] = cover


def _score(scorer: _Scorer, concepts: list[kt.Concept]
           ) -> tuple[dict[int, float], dict[int, float]]:
    """item id → rank score, and item id → coverage (0..1: the idf-weighted share of the
    question's concepts the item speaks to). Per concept and field, the best alternative
    counts (a synonym in the title and the word itself in the body add up, as BM25F does
    with synonyms), then the sum is saturated. A concept the catalog has no word of weighs
    a fixed share of a rare word (UNMATCHED_FACTOR), so a question about something not
    sold is poorly covered by every item."""
    ranks: dict[int, float] = {}
    covers: dict[int, float] = {}
    total = 0.0
    unmatched = 0.0
    for concept in concepts:
        idf, per_doc = scorer.concept(concept)
        if not per_doc:
            # a number the catalog never uses ("80 km/h", "2 caixas") qualifies the
            # question more than it names what is wanted
            unmatched += NUMBER_FACTOR if concept.text.isdigit() else 1.0
            continue
        total += idf
        for doc_id, (rank, cover) in per_doc.items():
            ranks[doc_id] = ranks.get(doc_id, 0.0) + rank
            covers[doc_id] = covers.get(doc_id, 0.0) + cover
    # Several unknown words are mostly the way a story is told ("travei as costas
    # carregando caixa ontem"): together they weigh as their square root, so one unknown
    # noun ("sushi?") still sinks a question and a long story does not.
    total += _idf(scorer.n, 0) * UNMATCHED_FACTOR * math.sqrt(unmatched)
    return ranks, {d: v / total for d, v in covers.items()} if total else {}


def search(session: Session, *, tenant_id: int, instance_id: int, question: str,
           k: int = 5, similarity: Similarity | None = None,
           custom_synonyms: list[tuple[str, str]] | None = None,
           floor: bool = True) -> list[Hit]:
    """Top-k items for `question`, best first, tenant- and instance-scoped.

    `floor=False` (the page's search box): no absolute floor, but only the items that
    cover nearly as much of the typed words as the best one.
    """
    tenant_id, instance_id = int(tenant_id), int(instance_id)
    question = question or ""
    concepts = _concepts(question, custom_synonyms)
    if not concepts:
        return []
    stats = _stats(session, tenant_id, instance_id)
    if not stats.items:
        return []
    respelled = _respelled(question, stats, custom_synonyms)
    if respelled != question:
        question, concepts = respelled, _concepts(respelled, custom_synonyms)
    budget = kt.budget(question)
    concepts = _prepared(_unglue_unused_phrases(concepts, stats, custom_synonyms), stats)
    docs = _fetch(session, tenant_id, instance_id, concepts, stats)
    scorer = _Scorer(docs, stats, concepts)
    # A list phrase whose words the catalog has, but never together ("taxa de entrega": an
    # FAQ says "entregamos…", another item "taxa de instalação"), is read word by word too.
    apart = [c for c in concepts if " " in c.text and not scorer.concept(c)[1]]
    if apart:
        concepts = _prepared(_word_by_word(concepts, apart, custom_synonyms), stats)
        docs = _fetch(session, tenant_id, instance_id, concepts, stats)
        scorer = _Scorer(docs, stats, concepts)
    order, ranks, covers = _rank(scorer, concepts)
    absent = _asked_absent(concepts)
    read: dict[int, KnowledgeItem] = {}  # items already read, kept for the answer
    if (budget or absent) and order:
        # one read of the best candidates for both checks (they need price and text)
        read = _items(session, tenant_id, instance_id, set(order[:RERANK_POOL]))
        if budget:
            order = _within_budget(budget, scorer, ranks, read)
        if absent:
            order = _not_contradicted(absent, scorer, order, ranks, read)
    pool = order[:RERANK_POOL] if similarity is not None else []
    if floor:
        order = _each_part(scorer, question, concepts, _apply_floor(order, ranks, covers))
    elif order:  # the page's search box: the items that speak to most of what was typed
        best = max(covers.get(i, 0.0) for i in order)
        order = [i for i in order if covers.get(i, 0.0) >= best * PAGE_SHARE]
    if not order:
        return []
    keep = order[:k]
    wanted = set(order[:RERANK_POOL] if pool else keep) | set(pool)
    items = read | _items(session, tenant_id, instance_id, wanted - read.keys())
    if similarity is not None and pool:
        # The re-rank sees the best lexical candidates (their vectors are computed and kept
        # once), then orders what passed the floor.
        try:
            sims = similarity(question, [items[i] for i in pool if i in items])
        except Exception:  # a re-rank is a bonus: the lexical order still stands
            sims = {}
        top = max((ranks[i] for i in order), default=1.0) or 1.0
        blended = {i: ranks[i] + top * 0.5 * max(0.0, sims.get(i, 0.0))
                   for i in order if i in items}
        keep = sorted(blended, key=lambda i: -blended[i])[:k]
        return [Hit(items[i], blended[i]) for i in keep]
    hits = [Hit(items[i], ranks[i]) for i in keep if i in items]
    return hits[:k]


def _concepts(question: str, custom: list[tuple[str, str]] | None) -> list[kt.Concept]:
    concepts = kt.analyze_question(question, custom)
    budget = kt.budget(question)
    if budget:  # "até uns 300": a price to keep under, not a word to look for
        concepts = [c for c in concepts if c.text not in budget.words]
    return concepts


_WORD = re.compile(r"\w+")


def _respelled(question: str, stats: _Stats, custom: list[tuple[str, str]] | None) -> str:
    """The question with each misspelt word — one the catalog, the built-in lists and the
    dictionary all ignore — replaced by the everyday word one slip away that the catalog
    uses (or else the lists): "blsa de frio" → "blusa de frio", "que horas abrm" → "abrem",
    so that the phrases they belong to are found as well. Harder cases are left to
    `_typo_fixes` (closest stems, two edits)."""
    own = {st for said, _ in custom or [] for st in kt.phrase_key(said)}

    def fix(match: re.Match[str]) -> str:
        token = match.group()
        word = kt.fold(token)
        if len(word) < 4 or not word.isalpha() or word in kt.stopwords() \
                or word in kt.abbreviations():
            return token
        st = kt.stem(word)
        if stats.stem_df(st, True) or st in kt.lexicon_stems() or st in own \
                or kt.common_word(word):
            return token
        base = kt.undiminished(word)
        if base and stats.df.get(kt.stem(base)):  # "pãezinhos": pães, no slip
            return token
        # A slip keeps the first letter, unless the first two were swapped; a four-letter
        # word is only taken for one with a letter left out ("blsa" → blusa): one letter
        # changed, it is as likely another word ("tava" is not "taxa").
        meant = [w for w in kt.one_edit_words(word) if (w[0] == word[0] or (
            w[:2] == word[1::-1] and w[2:] == word[2:])) and (len(word) > 4 or len(w) > 4)]
        meant = [w for w in meant if w not in kt.stopwords()]
        found = next((w for w in meant if stats.df.get(kt.stem(w))), None) or next(
            (w for w in meant if kt.stem(w) in kt.lexicon_stems()), None)
        return found or token

    return _WORD.sub(fix, question)


def _rank(scorer: _Scorer, concepts: list[kt.Concept]
          ) -> tuple[list[int], dict[int, float], dict[int, float]]:
    """Candidates best first, with their rank scores and coverages."""
    ranks, covers = _score(scorer, concepts)
    if not ranks:
        return [], {}, {}
    _title_share(scorer, concepts, ranks)
    return _sorted(scorer, ranks), ranks, covers


def _sorted(scorer: _Scorer, ranks: dict[int, float]) -> list[int]:
    """Best first; ties: the shorter title (the more specific item), then the older item —
    never the database's own order, so both databases answer alike."""
    title_len = scorer.title_len
    return sorted(ranks, key=lambda i: (-round(ranks[i], 9), title_len.get(i, 0), i))


def _items(session: Session, tenant_id: int, instance_id: int,
           ids: set[int]) -> dict[int, KnowledgeItem]:
    if not ids:
        return {}
    return {it.id: it for it in session.exec(select(KnowledgeItem).where(  # type: ignore[misc]
        KnowledgeItem.tenant_id == tenant_id, KnowledgeItem.instance_id == instance_id,
        col(KnowledgeItem.id).in_(ids)))}


def _within_budget(budget: kt.Budget, scorer: _Scorer, ranks: dict[int, float],
                   read: dict[int, KnowledgeItem]) -> list[int]:
    """A customer who names a budget wants what fits it: among the best candidates (`read`),
    an item priced within it (10 % of slack: "uns 300" buys a 319,00) ranks higher and one
    above it lower; items without a price (FAQs) keep their rank."""
    for doc_id, item in read.items():
        price = kt.price_reais(item.price)
        if price is not None:
            ranks[doc_id] *= BUDGET_FIT if price <= budget.reais * 1.1 else BUDGET_OVER
    return _sorted(scorer, ranks)


# "sem glúten", "zero lactose", "livre de açúcar", "gluten free": the customer wants X absent.
_ABSENT_BEFORE = frozenset({"sem", "zer", "livr"})
_ABSENT_AFTER = frozenset({"fre"})
# …and an item that says X is in it ("contém glúten", "com lactose", "leva açúcar", "pode
# conter traços de amendoim") holds the words of "sem X" all the same: the words are there,
# the meaning is the opposite.
_PRESENT_CUES = frozenset({"cont", "com", "lev", "possu", "inclu", "trac"})


def _asked_absent(concepts: list[kt.Concept]) -> set[str]:
    """The stems of what the question wants absent ("sem glúten e sem lactose" → glúten,
    lactose), from the alternatives the customer or a list wrote as "sem X"."""
    out: set[str] = set()
    for concept in concepts:
        for alt in concept.alternatives:
            if len(alt.stems) == 2 and alt.stems[0] in _ABSENT_BEFORE:
                out.add(alt.stems[1])
            elif len(alt.stems) == 2 and alt.stems[1] in _ABSENT_AFTER:
                out.add(alt.stems[0])
    return out


def _not_contradicted(absent: set[str], scorer: _Scorer, order: list[int],
                      ranks: dict[int, float], read: dict[int, KnowledgeItem]) -> list[int]:
    """Among the best candidates (`read`), an item whose text says that what the customer
    wants absent is in it ("Sem lactose, contém glúten" for "sem glúten") ranks far
    lower."""
    changed = False
    for doc_id, item in read.items():
        words = [w for w in kt.stems(f"{item.title} . {item.body or ''}")
                 if w not in _CUE_GLUE]
        if any(w in absent and i and words[i - 1] in _PRESENT_CUES
               for i, w in enumerate(words)):
            ranks[doc_id] *= CONTRADICTED
            changed = True
    return _sorted(scorer, ranks) if changed else order


_CUE_GLUE = frozenset({"de", "do", "da", "e", "a", "o"})  # "traços de amendoim"


def _each_part(scorer: _Scorer, question: str, concepts: list[kt.Concept],
               order: list[int]) -> list[int]:
    """Two things asked at once ("quanto é a pizza grande e vocês entregam?"): each item
    covers half of the question, so the floor may keep one, or none. The best item of each
    part that has an answer of its own comes right after the overall best. The parts are
    scored over the same candidates (no other query)."""
    parts = kt.question_parts(question)
    if len(parts) < 2:
        return order
    found: list[int] = []
    for group in kt.concepts_by_part(concepts, parts):
        p_order, p_ranks, p_covers = _rank(scorer, group)
        p_order = _apply_floor(p_order, p_ranks, p_covers)
        if p_order and p_covers[p_order[0]] >= PART_COVERAGE and p_order[0] not in found:
            found.append(p_order[0])
    if not found:
        return order
    head = order[:1] + [i for i in found if i not in order[:1]]
    return head + [i for i in order if i not in head]


def _title_share(scorer: _Scorer, concepts: list[kt.Concept], ranks: dict[int, float]) -> None:
    """An item whose title the question says nearly all of is what was asked ("quais formas
    de pagamento vocês aceitam?" → "Quais as formas de pagamento?", not "Vocês aceitam
    Pix?"): its score grows with the share of the title's meaningful words the question
    reaches (itself, a synonym or a longer form)."""
    reached: set[str] = set()
    for concept in concepts:
        for alt in concept.alternatives:
            reached.update(alt.stems)
            if alt.prefix and len(alt.stems) == 1:
                reached |= scorer.expansions(alt.stems[0], True)
    stop = kt.stop_stems()
    for doc_id in ranks:
        words = [w for w in scorer.titles.get(doc_id, ()) if w not in stop]
        if words:
            share = sum(w in reached for w in words) / len(words)
            ranks[doc_id] *= 1.0 + TITLE_SHARE * share


def _prepared(concepts: list[kt.Concept], stats: _Stats) -> list[kt.Concept]:
    _typo_fixes(concepts, stats)  # the fixes join their concepts' alternatives
    _drop_absent(concepts, stats)
    _weaken_other_niches(concepts, stats)
    return concepts


def _word_by_word(concepts: list[kt.Concept], phrases: list[kt.Concept],
                  custom: list[tuple[str, str]] | None) -> list[kt.Concept]:
    """`concepts` with each of `phrases` replaced by the concepts of its words."""
    out: list[kt.Concept] = []
    seen = {c.text for c in concepts if c not in phrases}
    for concept in concepts:
        if concept not in phrases:
            out.append(concept)
            continue
        for word in concept.text.split():
            for part in kt.analyze_question(word, custom):
                if part.text not in seen:
                    seen.add(part.text)
                    out.append(part)
    return out


def _unglue_unused_phrases(concepts: list[kt.Concept], stats: _Stats,
                           custom: list[tuple[str, str]] | None) -> list[kt.Concept]:
    """A phrase of the synonym lists that this catalog uses in no form ("que dura mais"
    from the florists' list, in a beauty salon) is read word by word instead: taken whole,
    it would count as one word the catalog never uses and hide "dura" from the item that
    says so."""
    unused = [c for c in concepts if " " in c.text and not stats.concept_df(c)]
    return _word_by_word(concepts, unused, custom) if unused else concepts


def _drop_absent(concepts: list[kt.Concept], stats: _Stats) -> None:
    """Forget the alternatives none of whose words the instance's items use (most of a
    synonym group, in any one catalog): they cannot match, and would only lengthen the
    database query and the scoring."""
    for concept in concepts:
        concept.alternatives = [a for a in concept.alternatives if any(
            stats.stem_df(st, a.prefix and len(a.stems) == 1) for st in a.stems)]


def _weaken_other_niches(concepts: list[kt.Concept], stats: _Stats) -> None:
    """A synonym that only another niche's list gives is weaker evidence: a car repair
    list's "buraco → mola" must not send a dental clinic's "buraco no dente" to the
    molar ("molar" and "mola" share a stem), nor an optician's "celular → luz azul" an
    electronics store's phone questions to its screen films."""
    mine = stats.domains()
    if not mine:  # a niche without a list of its own: every list may speak for it
        return
    for concept in concepts:
        concept.alternatives = [
            a if not a.domains or mine.intersection(a.domains)
            else replace(a, weight=a.weight * OTHER_NICHE_FACTOR)
            for a in concept.alternatives]


def _apply_floor(order: list[int], ranks: dict[int, float],
                 covers: dict[int, float]) -> list[int]:
    """Drop what does not answer the question: nothing when even the best item covers
    little of it, only the best when it covers it weakly (under STRONG_COVERAGE), else the
    items close to the best that cover enough."""
    if not order:
        return []
    best = max(covers.get(i, 0.0) for i in order)
    if best < ONE_ITEM_COVERAGE:
        top = order[0]
        runner = ranks[order[1]] if len(order) > 1 else 0.0
        if covers.get(top, 0.0) >= DOMINANT_COVERAGE and ranks[top] >= DOMINANCE * runner:
            return [top]
        return []
    if best < STRONG_COVERAGE:
        # the best ranked of those covering about as much as the best covering one: a
        # near tie in coverage (0.29 / 0.31) is decided by the rank, not by the threshold
        near = min(MIN_COVERAGE, best * NEAR_COVERAGE)
        return [next(i for i in order if covers.get(i, 0.0) >= near)]
    floor = ranks[order[0]] * MIN_RELATIVE
    return [i for i in order if ranks[i] >= floor and covers.get(i, 0.0) >= MIN_COVERAGE]


def _typo_fixes(concepts: list[kt.Concept], stats: _Stats) -> list[kt.Alternative]:
    """For each single word the instance's items never use, the closest stems of its
    vocabulary (added to its concept, weaker than an exact word): "calabreza" → calabres."""
    lost = [c for c in concepts if c.typo and not stats.concept_df(c)]
    if not lost or not stats.df:
        return []
    vocabulary = stats.typo_vocabulary()
    added: list[kt.Alternative] = []
    for concept in lost:
        word = kt.normal_word(concept.text)
        # the plural first: "pasteizinhos" is made of "pastéis" (its singular "pastelzinho")
        base = next((b for b in (kt.undiminished(concept.text), kt.undiminished(word))
                     if b and stats.df.get(kt.stem(b))), None)
        if base:  # "cafezinho" → café, not a typo
            alt = kt.Alternative((kt.stem(base),), (base,), DIMINUTIVE_WEIGHT, True)
            concept.alternatives.append(alt)
            added.append(alt)
            continue
        if kt.common_word(concept.text):
            continue  # a real word, just not one this catalog uses
        target = kt.stem(word)
        found = _closest(target, vocabulary)
        for st in found:
            alt = kt.Alternative((st,), (st,), TYPO_WEIGHT, True)
            concept.alternatives.append(alt)
            added.append(alt)
        if not found:
            # a misspelt word of the built-in lists ("deivery", "berja"): what its group
            # says may be in the catalog ("entrega", "cerveja")
            for st in _closest(target, kt.lexicon_word_stems())[:1]:
                alts = kt.lexicon_alternatives(st, TYPO_WEIGHT)
                concept.alternatives += alts
                added += alts
    return added


def _closest(target: str, vocabulary: Sequence[str]) -> list[str]:
    """The stems of `vocabulary` that `target` may be a misspelling of, closest first.

    A misspelling keeps its first letter and is one edit away (two in a long word; two
    letters swapped are one edit): "ontem" is not "tem", nor "graça" "fraco", though a
    similarity ratio says so."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    edits = 1 if len(target) <= 4 else 2
    found = process.extract(target, vocabulary, scorer=OSA.distance, score_cutoff=edits,
                            limit=6)
    return [f[0] for f in found if len(f[0]) >= 4 and (
        f[0][0] == target[0] or (f[1] == 1 and len(target) >= 6))][:3]
