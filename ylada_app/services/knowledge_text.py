"""How the AI assistant reads pt-BR text: folding, stop words, stemming and synonyms.

The same analysis runs on the catalog (when an item is saved) and on the customer's question,
so both meet on the same word forms whatever the accents, case or inflection:

- `fold`: lower case, accents removed, punctuation as spaces, digits split from letters
  ("Pão 5kg!" → "pao 5 kg");
- `normal_word`: a few plural/derivation rules the Snowball stemmer misses on unaccented
  text ("limoes" → "limao", "pasteis" → "pastel", "depilacao" → "depilar"). The stored
  `search_text` holds these words, so PostgreSQL's `portuguese` configuration sees them too;
- `stem`: Snowball's Portuguese stemmer (package `snowballstemmer`) over `normal_word`;
- WhatsApp spellings of questions ("vc", "p/", "hj", "fds") are read as the words meant
  (lexicon/abreviacoes.txt), and a question asking two things is split in parts
  (`question_parts`);
- stop words of questions ("posso", "vocês", "tem", "qual", "quanto custa"…) are dropped
  from questions only (lexicon/stopwords.txt);
- synonyms: built-in groups, general (lexicon/geral.txt, with the word families the
  stemmer keeps apart) and per niche (lexicon/*.txt, data files, not code; drugstore
  symptoms, optics, car repair, florists, dental clinics and electronics among them; each
  alternative knows the niche lists it came from) plus the pairs a business adds on the
  "Treinar IA" page ("quando o cliente disser X, entenda Y"). A question becomes a list of
  `Concept`s, each with the alternative word sequences that satisfy it.

Pure functions and module-level data only: no database, no Reflex.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer

LEXICON = Path(__file__).resolve().parent / "lexicon"
SYNONYM_FILES = ("geral.txt", "comida.txt", "varejo.txt", "servicos.txt", "educacao.txt",
                 "saude.txt", "otica.txt", "automotivo.txt", "flores.txt", "odonto.txt",
                 "eletronicos.txt")
MAX_CONCEPTS = 12
FIELD_SEP = " | "  # between title, meta and body in `search_stems`

_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def fold(value: str) -> str:
    """Lower-case, accents removed, punctuation as spaces, "5kg" → "5 kg"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = _NON_WORD.sub(" ", stripped.casefold())
    return " ".join(_DIGIT_LETTER.sub(" ", spaced).split())


# Unaccented plural and noun endings the stemmer cannot see once accents are gone (it knows
# "ões"/"ção" but not "oes"/"cao"). Longest first; words of 3 letters are left alone.
_ENDINGS = (("acoes", "ar"), ("acao", "ar"), ("icoes", "icao"), ("oes", "ao"), ("aes", "ao"),
            ("ais", "al"), ("eis", "el"), ("ois", "ol"), ("uis", "ul"), ("ns", "m"),
            ("res", "r"), ("zes", "z"), ("ses", "s"), ("s", ""))


@lru_cache(maxsize=200_000)
def normal_word(word: str) -> str:
    if len(word) < 4 or word.isdigit():
        return word
    if len(word) == 4:  # "paes", "caes", "maos" → "pao", "cao", "mao"; others stay
        return word[:-3] + "ao" if word.endswith(("aes", "oes", "aos")) else word
    for ending, repl in _ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + repl
    return word


# A Snowball stemmer keeps its working word on the instance, so two threads sharing one
# corrupt each other's stems (IndexError seen with two businesses' questions at once): one
# per thread.
_stemmers = threading.local()


def _stemmer():
    stemmer = getattr(_stemmers, "pt", None)
    if stemmer is None:
        stemmer = _stemmers.pt = snowballstemmer.stemmer("portuguese")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of a folded word ("camisetas" → "camiset"); Snowball is pure Python and
    slow (~60 µs), hence the cache: a catalog repeats its words."""
    if word.isdigit() or len(word) <= 2:
        return word
    return _OWN_STEMS.get(word) or _stemmer().stemWord(normal_word(word)) or word


# Words whose Snowball stem is another common word's: "como" would be "com", so "como marco
# um horário?" read as the list phrase "com marca" (a personalised product).
_OWN_STEMS = {"como": "como"}


# Diminutives ("cafezinho", "docinho", "salgadinhos", "blusinha"): customers use them, catalogs
# rarely do. Longest ending first; the base's stem is what the catalog holds.
_DIMINUTIVES = (("zinhos", "s"), ("zinhas", "s"), ("zinho", ""), ("zinha", ""),
                ("quinho", "co"), ("quinha", "ca"), ("guinho", "go"), ("guinha", "ga"),
                ("inhos", "os"), ("inhas", "as"), ("inho", "o"), ("inha", "a"))


def undiminished(word: str) -> str | None:
    """The word a diminutive is made of ("cafezinho" → "cafe", "docinho" → "doco", which
    stems as "doce" does), or None when `word` does not look like one."""
    if len(word) < 6:
        return None
    for ending, base in _DIMINUTIVES:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + base
    return None


# How often a word must appear in a general Portuguese word-frequency list (pyspellchecker's)
# to count as a real word: a real word the catalog does not use is no misspelling of one it
# does ("fome" is not "forma", "maior" not "micro", "bastante" not "batata"); misspellings
# ("calabreza", "orquidia", "armacao" without its accent) are not in the list.
COMMON_WORD_MIN = 300


@lru_cache(maxsize=1)
def _common_words() -> dict[str, int]:
    """Everyday words (folded) → how often they are written."""
    from spellchecker import SpellChecker  # (0.6 s to load: only once a typo is in doubt)

    out: dict[str, int] = {}
    for w, n in SpellChecker(language="pt", distance=1).word_frequency.dictionary.items():
        if n >= COMMON_WORD_MIN:
            folded = fold(w)
            out[folded] = max(n, out.get(folded, 0))
    return out


# Words typed without their accents → how they are written ("endereco" → "endereço"), from
# the general word list; made by scripts/gen_accents.py (the list takes ~2 s and ~100 MB to
# load, too much for a page that only shows a variable's name).
ACCENTS_FILE = LEXICON / "acentos.tsv"
# European spellings the general list prefers, written as in Brazil: a stressed é/ó before
# m/n and a vowel takes the circumflex here ("género" → "gênero", "económico" → "econômico";
# "também" keeps its acute).
_PT_PT_NASAL = re.compile(r"([éó])(?=[mn][aeiou])")


def written_forms_from_word_list() -> dict[str, str]:
    """Everyday words (folded) → how they are most often written, accents included — only
    where the form without accents is rare in itself ("numero" → "número", but "esta" and
    "secretaria" are words of their own and stay). (scripts/gen_accents.py writes it.)"""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="pt", distance=1).word_frequency.dictionary
    best: dict[str, tuple[int, str]] = {}
    for w, n in counts.items():
        folded = fold(w)
        if n >= COMMON_WORD_MIN and n > best.get(folded, (0, ""))[0]:
            best[folded] = (n, w)
    return {folded: _PT_PT_NASAL.sub(lambda m: "ê" if m.group(1) == "é" else "ô", w)
            for folded, (n, w) in sorted(best.items())
            if w != folded and len(folded) > 2 and counts.get(folded, 0) * 10 < n}


@lru_cache(maxsize=1)
def _written_forms() -> dict[str, str]:
    with ACCENTS_FILE.open(encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)


def with_accents(text: str) -> str:
    """`text` with each word typed without its accents written as it usually is
    ("endereco de entrega" → "endereço de entrega"); other words as they were."""
    forms = _written_forms()
    return re.sub(r"[A-Za-z]+", lambda m: forms.get(m.group(0), m.group(0))
                  if m.group(0).islower() else m.group(0), text)


def common_word(word: str) -> bool:
    """`word` (folded) is an everyday Portuguese word, as it is written."""
    return word in _common_words()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_words(word: str) -> list[str]:
    """The everyday words one slip of the finger from `word` (folded): a letter left out,
    doubled or wrong, or two letters swapped — most often written first ("blsa" → blusa,
    "sallada" → salada, "abrm" → abrem)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    edits.discard(word)
    common = _common_words()
    return sorted((e for e in edits if e in common), key=lambda e: (-common[e], e))


def normal_text(value: str) -> str:
    """Folded text with each word in its `normal_word` form (what `search_text` stores)."""
    return " ".join(normal_word(w) for w in fold(value).split())


def stems(value: str) -> list[str]:
    return [stem(w) for w in fold(value).split()]


def document_stems(title: str, meta: str, body: str) -> str:
    """`search_stems` of an item: the stems of its title (every occurrence: the count
    matters), meta (category, code) and body (each stem once), separated by FIELD_SEP."""
    parts = [" ".join(stems(title))]
    for value in (meta, body):
        parts.append(" ".join(dict.fromkeys(stems(value))))
    return FIELD_SEP.join(parts)


def vocabulary(search_stems) -> tuple[str, int]:
    """Per-instance statistics from the items' `search_stems`: ('{"stem": df, …}' in stem
    order, item count), df being the number of items holding the stem (knowledge_vocab).
    JSON: a question of a business whose statistics are not cached reads them whole, and
    the json module's C parser takes half the time of splitting "stem:df" pairs."""
    counts: dict[str, int] = {}
    items = 0
    for value in search_stems:
        items += 1
        for st in set((value or "").replace("|", " ").split()):
            counts[st] = counts.get(st, 0) + 1
    return vocabulary_row(counts), items


def vocabulary_row(counts: dict[str, int]) -> str:
    """The `knowledge_vocab.words` text of stem → item counts."""
    return json.dumps(dict(sorted(counts.items())), ensure_ascii=False, separators=(",", ":"))


def parse_vocabulary(value: str) -> dict[str, int]:
    if (value or "").startswith("{"):
        return json.loads(value)
    out: dict[str, int] = {}  # rows written before 2026-12-03: "stem:df stem:df …"
    for pair in (value or "").split():
        st, _, n = pair.rpartition(":")
        if st:
            out[st] = int(n or 0)
    return out


def split_fields(search_stems: str) -> tuple[list[str], set[str], set[str]]:
    title, _, rest = (search_stems or "").partition(FIELD_SEP)
    meta, _, body = rest.partition(FIELD_SEP)
    return title.split(), set(meta.split()), set(body.split())


# --- lexicon -----------------------------------------------------------------------------

def _lines(name: str) -> list[str]:
    out = []
    for raw in (LEXICON / name).read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """The stop words as the index stores them (stemmed)."""
    return frozenset(stem(w) for w in stopwords())


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(w for line in _lines("stopwords.txt") for w in fold(line).split())


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """WhatsApp spellings → the words meant ("vc" → "voce", "fds" → "fim de semana")."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _lines("abreviacoes.txt"):
        written, _, meant = line.partition("=")
        written, meant = fold(written), fold(meant)
        if written and meant and " " not in written:
            out[written] = tuple(meant.split())
    return out


def expand_abbreviations(words: list[str]) -> list[str]:
    table = abbreviations()
    out: list[str] = []
    for word in words:
        out.extend(table.get(word, (word,)))
    return out


# --- a budget ("tem fone sem fio até uns 300?") -------------------------------------------

@dataclass(frozen=True)
class Budget:
    """The most the customer wants to pay, in reais, and the words it was written with (no
    word to look for in the catalog: "300" would find the FAQ "frete grátis acima de 300")."""

    reais: float
    words: frozenset[str]


_AMOUNT = r"(\d{1,3}(?:\.\d{3})+|\d{1,6})(?:,(\d{1,2}))?"
_CUE = (r"(?:\bate|\bno maximo|\bmaximo|\bmenos de|\babaixo de|\bpor volta de|\bem torno de"
        r"|\bna faixa de|\bfaixa de|\borcamento de|\buns|\bumas)")
# After the amount: the end, punctuation, a money word, or a word that is not a noun the
# number counts ("até 2 pessoas", "até uns 3 sabores", "até 10x", "até 18h" are no budget).
_AFTER = (r"(?=\s*(?:$|[?!.,;)]|reais\b|real\b|conto|pila|mais ou menos|no maximo|e\b|ou\b|"
          r"pra\b|para\b|por\b|q\b|que\b|nao\b|mas\b|so\b|mais\b|tem\b|vc|voce))")
_BUDGETS = (
    re.compile(_CUE + r"\s+(?:de\s+)?(?:uns\s+|umas\s+)?(?:r\s?\$\s*)?" + _AMOUNT + _AFTER),
    re.compile(r"r\s?\$\s*" + _AMOUNT + _AFTER),
    re.compile(r"(?<![\d.,])" + _AMOUNT + r"\s*(?:reais|real|conto|contos|pila|pilas)\b"),
)


_MONEY_WORDS = frozenset({"reais", "real", "conto", "contos", "pila", "pilas", "r"})


def budget(question: str) -> Budget | None:
    """The budget a question states ("até 300", "uns 300 reais", "R$ 1.500", "no máximo
    80,00"), or None."""
    decomposed = unicodedata.normalize("NFKD", question or "")
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for pattern in _BUDGETS:
        found = pattern.search(text)
        if found:
            whole, cents = found.group(1), found.group(2)
            reais = int(whole.replace(".", "")) + (int(cents.ljust(2, "0")) / 100 if cents
                                                    else 0.0)
            if reais >= 1:
                said = {w for w in fold(found.group(0)).split() if w.isdigit()}
                return Budget(reais, frozenset(said | (set(fold(text).split()) & _MONEY_WORDS)))
    return None


_PRICE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?")


def price_reais(price: str | None) -> float | None:
    """The first amount of a catalog's price as written ("R$ 1.234,56", "59,90", "59.90",
    "a partir de 30"), or None."""
    found = _PRICE.search(price or "")
    if not found:
        return None
    value = found.group(0)
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif value.count(".") == 1 and len(value.rsplit(".", 1)[1]) == 3:
        value = value.replace(".", "")  # "1.500": thousands
    try:
        return float(value)
    except ValueError:
        return None


# Where a question asking two things splits: sentence ends, commas (not "2,5"), and "e",
# "também", "além disso" between words.
_PARTS = re.compile(r"[?!;\n]+|\.(?=\s|$)|,(?!\d)|\s(?:e|tamb[eé]m|tb|tbm|al[eé]m disso)\s",
                    re.IGNORECASE)
MAX_PARTS = 3


def question_parts(question: str) -> list[str]:
    """The parts of a question with words of their own (at most MAX_PARTS)."""
    stop = stopwords()
    parts = [p for p in _PARTS.split(question or "")
             if any(w not in stop and w not in _PHRASE_GLUE for w in fold(p).split())]
    return parts[:MAX_PARTS]


def concepts_by_part(concepts: list[Concept], parts: list[str]) -> list[list[Concept]]:
    """The question's concepts grouped by the part they were said in (a phrase across two
    parts, "pé e mão", belongs to none)."""
    words = [set(expand_abbreviations(fold(p).split())) for p in parts]
    groups: list[list[Concept]] = [[] for _ in parts]
    for concept in concepts:
        said = set(concept.text.split())
        for n, part_words in enumerate(words):
            if said <= part_words:
                groups[n].append(concept)
                break
    return [g for g in groups if g]


# Dropped only while looking for a synonym phrase ("parar o carro" = "parar carro"); the
# other stop words may be part of a phrase ("onde fica", "sem gluten"). Possessives too: "a
# cor dos meus olhos" is "cor dos olhos".
_GLUE_TEXT = ("a o as os um uma uns umas de do da dos das em no na nos nas num numa para pra "
              "pro pras pros ao aos e meu minha meus minhas seu sua seus suas")
_PHRASE_GLUE = frozenset(_GLUE_TEXT.split())


def phrase_key(value: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in fold(value).split() if w not in _PHRASE_GLUE)


@dataclass(frozen=True)
class Alternative:
    """One way to satisfy a concept: a word sequence (its stems and its normal words)."""

    stems: tuple[str, ...]
    words: tuple[str, ...]
    weight: float = 1.0  # 1 for the customer's own words, less for a synonym or a fix
    prefix: bool = False  # also match longer words starting with the stem ("refri…")
    # the niche lists it comes from (empty: it holds for every business — the customer's
    # own words, the general list, the business's synonyms)
    domains: tuple[str, ...] = ()


def alternative(value: str, weight: float, prefix: bool = False,
                domains: tuple[str, ...] = ()) -> Alternative | None:
    words = tuple(normal_word(w) for w in fold(value).split() if w not in _PHRASE_GLUE)
    if not words:
        return None
    return Alternative(tuple(stem(w) for w in words), words, weight, prefix, domains)


@dataclass
class Concept:
    """Something the customer asked about; any one of its alternatives satisfies it."""

    text: str
    alternatives: list[Alternative] = field(default_factory=list)
    typo: bool = False  # a single word that may be misspelt (a fix is looked for)


GENERAL_FILE = "geral.txt"  # its groups hold for every business; the others per niche


def _domain(name: str) -> str:
    return "" if name == GENERAL_FILE else name.removesuffix(".txt")


@lru_cache(maxsize=1)
def builtin_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(the niche list's name, or "" for the general list; the group's expressions)."""
    groups = []
    for name in SYNONYM_FILES:
        for line in _lines(name):
            members = tuple(m.strip() for m in line.split(",") if m.strip())
            if len(members) > 1:
                groups.append((_domain(name), members))
    return tuple(groups)


@lru_cache(maxsize=1)
def domain_stems() -> dict[str, frozenset[str]]:
    """Niche list → the stems of its one-word expressions: how many of them a catalog uses
    tells whether the business is of that niche."""
    out: dict[str, set[str]] = {}
    for domain, members in builtin_groups():
        if domain:
            for member in members:
                key = phrase_key(member)
                if len(key) == 1:
                    out.setdefault(domain, set()).add(key[0])
    return {d: frozenset(v) for d, v in out.items()}


def _indexable(member: str) -> bool:
    """Not a phrase that its glue words reduce to one word ("do zero" → "zero")."""
    key = phrase_key(member)
    return bool(key) and (len(key) > 1 or len(fold(member).split()) == 1)


@lru_cache(maxsize=1)
def _builtin_index() -> dict[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """phrase key → every expression sharing a group with it → the niche lists where they
    do (empty: a general group says so, for every business)."""
    index: dict[tuple[str, ...], dict[str, set[str] | None]] = {}
    for domain, members in builtin_groups():
        for member in members:
            key = phrase_key(member)
            # "do zero" must not become "zero": a phrase reduced to one word is not indexed
            if _indexable(member):
                entry = index.setdefault(key, {})
                for m in members:
                    if not _indexable(m):  # nor does "e-sim" stand for "sim"
                        continue
                    have = entry.get(m, set())
                    entry[m] = None if (have is None or not domain) else have | {domain}
    return {k: {m: tuple(sorted(d)) if d else () for m, d in v.items()}
            for k, v in index.items()}


@lru_cache(maxsize=1)
def lexicon_word_stems() -> tuple[str, ...]:
    """The stems of the built-in lists' one-word expressions (4 letters or more): what a
    misspelt word the catalog never uses may have been meant as ("deivery" → delivery,
    whose group says "entrega")."""
    return tuple(sorted(k[0] for k in _builtin_index() if len(k) == 1 and len(k[0]) >= 4
                        and not k[0].isdigit()))


@lru_cache(maxsize=1)
def lexicon_stems() -> frozenset[str]:
    """Every stem of the built-in lists' expressions, phrases included."""
    return frozenset(st for key in _builtin_index() for st in key)


def lexicon_alternatives(word_stem: str, weight: float) -> list[Alternative]:
    """A one-word expression of the built-in lists (by its stem) and every expression of
    its groups, as alternatives of `weight` (its group's synonyms a little less)."""
    members = _builtin_index().get((word_stem,), {})
    alts = [alternative(m, weight * (1.0 if phrase_key(m) == (word_stem,) else SYNONYM_WEIGHT),
                        prefix=False, domains=d) for m, d in members.items()]
    return _unique([a for a in alts if a])


SYNONYM_WEIGHT = 0.85  # a synonym is good evidence, the customer's own word a little better
CUSTOM_WEIGHT = 1.0  # the business said so


def analyze_question(question: str,
                     custom: list[tuple[str, str]] | None = None) -> list[Concept]:
    """The concepts of a question: synonym phrases found (longest first), then the other
    words that are not stop words. `custom`: the business's (customer says, meaning)."""
    index = _builtin_index()
    extra: dict[tuple[str, ...], list[str]] = {}
    for said, meaning in custom or []:
        key = phrase_key(said)
        if key:
            extra.setdefault(key, []).append(meaning)
    longest = max([len(k) for k in index] + [len(k) for k in extra] + [1])
    words = [w for w in expand_abbreviations(fold(question).split())
             if w not in _PHRASE_GLUE][:40]
    words, age = _age_concept(words)
    keys = [stem(w) for w in words]
    stop = stopwords()
    concepts: list[Concept] = [age] if age else []
    seen: set[tuple[str, ...]] = set()
    i = 0
    while i < len(words) and len(concepts) < MAX_CONCEPTS:
        for size in range(min(longest, len(words) - i), 0, -1):
            key = tuple(keys[i:i + size])
            if key not in index and key not in extra:
                continue
            if size == 1 and words[i] in stop and key not in extra:
                continue
            text = " ".join(words[i:i + size])
            concept = Concept(text)
            own = alternative(text, 1.0, prefix=size == 1)
            pool = [a for a in [own] if a]
            pool += [alternative(m, CUSTOM_WEIGHT) for m in extra.get(key, [])]
            pool += [alternative(m, SYNONYM_WEIGHT, domains=d)
                     for m, d in index.get(key, {}).items()]
            concept.alternatives = _unique([a for a in pool if a])
            if key not in seen:
                concepts.append(concept)
                seen.add(key)
            i += size
            break
        else:
            word = words[i]
            if word not in stop and (len(word) >= 2 or word.isdigit()) and (keys[i],) not in seen:
                own = alternative(word, 1.0, prefix=len(keys[i]) >= 4)
                if own:
                    concepts.append(Concept(word, [own], typo=len(word) >= 4
                                            and not word.isdigit()))
                    seen.add((keys[i],))
            i += 1
    if age:  # "minha filha" is no child at 14: the age given wins over the word's group
        other_groups = {n for _, _, names in AGE_GROUPS for n in names.split(", ")}
        other_groups -= {" ".join(a.words) for a in age.alternatives}
        for concept in concepts[1:]:
            concept.alternatives = [a for a in concept.alternatives if a.weight >= 1.0
                                    or " ".join(a.words) not in other_groups]
    return concepts


# An age said as a number ("minha filha tem 14 anos") means the age group catalogs are
# written in ("adolescentes de 12 a 16 anos"): the number itself rarely matches an item.
# ("idade" too: an age given is often a question about an age limit.)
AGE_GROUPS = ((0, 3, "bebe, bebes, bercario, idade"),
              (4, 11, "crianca, criancas, infantil, kids, idade"),
              (12, 17, "adolescente, adolescentes, teen, teens, jovem, jovens, idade"),
              (18, 59, "adulto, adultos, idade"),
              (60, 130, "idoso, idosos, terceira idade, melhor idade, adulto, adultos, idade"))
_YEARS = frozenset({"ano", "anos", "aninhos", "aninho"})


def _age_concept(words: list[str]) -> tuple[list[str], Concept | None]:
    """The question without "<n> anos", and the age group it names (as one concept)."""
    for i in range(len(words) - 1):
        if words[i].isdigit() and words[i + 1] in _YEARS and len(words[i]) <= 3:
            age = int(words[i])
            for low, high, names in AGE_GROUPS:
                if low <= age <= high:
                    concept = Concept(f"{age} anos")
                    concept.alternatives = _unique([a for a in (
                        alternative(n, SYNONYM_WEIGHT) for n in names.split(", ")) if a])
                    return words[:i] + words[i + 2:], concept
    return words, None


def _unique(alts: list[Alternative]) -> list[Alternative]:
    best: dict[tuple[str, ...], Alternative] = {}
    for alt in alts:
        have = best.get(alt.stems)
        if have is None or alt.weight > have.weight or (
                alt.weight == have.weight and not alt.domains and have.domains):
            best[alt.stems] = alt
    return list(best.values())
