"""The price guard: read money the way Brazilians write it, and accept an AI answer only
when the business itself vouches for every amount the answer states.

    mentions("fica 55 reais")                   → [Mention(cents=5500, …)]
    allowed = Allowed.from_texts(vouching=[…], declaring=[…])
    unvouched("Sai por R$ 119,80", allowed)     → []   (2 × 59,90 is in the catalog)

What counts as money: `R$ 59,90`, `R$59,90`, `R$ 59.90`, `R$ 1.234,56`, `R$ 1,234.56`,
`R$ 1 mil`, `59 reais`, `1,5 mil reais`, `mil reais`, `dois mil reais`, `55 conto`,
`90 centavos`, `59 reais e 90 centavos`, and bare decimals with two places (`59,90`,
`1.234,56`, `59.90`) — which is how catalogs and customers write prices. A bare whole number
is money only right after a price word ("custa 55", "sai por 55", "Preço: 45") and not
followed by a noun ("custa 3 pizzas" is not). Never money: quantities ("2 pizzas", "1,5 kg",
"8 fatias"), times ("18h", "18:30", "23h30"), dates ("12/05", "12.05.2024", "dia 12.05"),
phone numbers, CEPs, percentages ("10%", "10 por cento") and ids ("#1234", "pedido 4521").

What is vouched for (`Allowed`): every amount written in the business's own texts (the
knowledge items given to the model, the business info, earlier bot answers), and totals
made of them — quantity × price (up to 10), that plus one other amount (item + item, item +
delivery fee), a small quantity × price plus two others (2 pizzas + refri + entrega), a
percentage the business declared next to a discount or surcharge word ("10% no Pix", "5% de
acréscimo no cartão") applied to such a total or stated as the amount saved, and an
installment of such a total ("3x de R$ 19,90"). Sums and multiples count only where the
answer's sentence presents a total (a quantity, "+", "total", "com a entrega", "no Pix"…):
"A calabresa sai por R$ 55,00." must be a price of the business as it stands, or 4 × a
R$ 12,00 soda + a R$ 7,00 fee would vouch for it. The search is bounded
(a multiple of one amount plus at most two more, over at most MAX_COMBINE amounts): a few
thousand set look-ups per amount at worst, memoised per answer.

Pure: no database, no clock; the AI service (services.ai) feeds it the prompt's texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from ylada_app.core.money import format_brl

MAX_QUANTITY = 10      # "2 pizzas" … "10 refrigerantes": quantity × price
MAX_COMBINE = 60       # amounts taken into sums (the first ones written: knowledge first)
MAX_QUANTITY_IN_MIX = 3  # k × a + b + c only for small k
MAX_INSTALLMENTS = 24

# --- reading numbers ---------------------------------------------------------------------

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
# A number as written: digits with "." / "," groups. Not glued to letters on either side
# ("18h", "150g", "v2.10", "3x" are not amounts).
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_CURRENCY_LEFT = re.compile(r"(?:R\s?\$|\bBRL)\s*$", re.IGNORECASE)
# Another currency: no amount of the business's is in it, so it is never vouched for
# ("custa US$ 10" for a R$ 10,00 item is still a price nobody wrote).
_FOREIGN_LEFT = re.compile(
    r"(?:U\s?S\s?\$|U\$|(?<![A-Za-z])(?<![Rr]\s)\$|€|£|\b(?:USD|EUR))\s*$", re.IGNORECASE)
_FOREIGN_RIGHT = re.compile(r"\s*(?:d[óo]lar(?:es)?|euros?|USD|EUR)\b", re.IGNORECASE)
# WhatsApp's emphasis marks inside an amount ("R$ *59*,90" shows as R$ 59,90)
_EMPHASIS = re.compile(r"[*_~`]")
_CURRENCY_WORD = r"(?:reais|real|contos?|pilas?)"
_CENTS_WORD = r"centavos?"
_RIGHT_MONEY = re.compile(
    rf"\s*(?P<mil>mil\b)?\s*(?:(?P<reais>{_CURRENCY_WORD})|(?P<cents>{_CENTS_WORD}))\b",
    re.IGNORECASE)
_RIGHT_MIL = re.compile(r"\s*mil\b", re.IGNORECASE)
_PERCENT_RIGHT = re.compile(r"\s*(?:%|por\s*cento\b)", re.IGNORECASE)
# Words after which a whole number is a price ("custa 55", "Preço: 45", "total de 110").
_PRICE_CUE = re.compile(
    r"(?:\bcusta[mr]?|\bcustando|\bsai(?:em)?(?:\s+(?:por|a))?|\bfica(?:m|r)?(?:\s+(?:por|em))?"
    r"|\bpor\s+(?:apenas|s[óo])|\bapenas|\bs[óo]|\bpre[çc]o(?:\s+(?:de|é|e))?"
    r"|\bvalor(?:\s+(?:de|é|e|total))?|\btotal(?:\s+(?:de|é|e|fica))?|\bsubtotal"
    r"|\btaxa(?:\s+de\s+entrega)?(?:\s+(?:de|é))?|\bfrete(?:\s+(?:de|é))?"
    r"|\bpaga(?:r|m)?|\ba\s+partir\s+de|\bpor)\s*[:=]?\s*(?:é\s+)?(?:de\s+)?$",
    re.IGNORECASE)
# After a cued whole number only these may follow for it to be a price ("custa 55 cada",
# "sai por 55 no Pix"); any other word makes it a quantity ("custa 3 pizzas"?) or a time.
_CONNECTORS = frozenset((
    "e", "a", "à", "o", "no", "na", "nos", "nas", "cada", "por", "pra", "para", "com", "sem",
    "via", "mais", "ou", "em", "até", "de", "do", "da", "já"))
_UNIT = re.compile(
    r"\s*(?:%|°|º|ª|(?:kg|g|gr|mg|l|lt|litros?|ml|cm|mm|m|metros?|km|h|hs|hrs?|horas?|min"
    r"|minutos?|seg|segundos?|dias?|semanas?|meses|m[eê]s|anos?|un|und|unid"
    r"|unidades?|p[cç]s?|pe[cç]as?|fatias?|pessoas?|itens?|quilos?|gramas?|polegadas?|pol"
    r"|estrelas?|pontos?|gb|mb|tb|mah|w|v|hz|cv|ppm|dpi)\b)",
    re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)", re.UNICODE)
_ID_LEFT = re.compile(r"(?:#|\bn[º°o]\.?|\bn[úu]mero|\bpedido|\bprotocolo|\bc[óo]digo|\bcod\.?"
                      r"|\bsku|\bcep|\bramal|\bmesa|\bsenha)\s*[:#]?\s*$", re.IGNORECASE)
_DATE_LEFT = re.compile(r"\b(?:dia|data|vers[ãa]o|v)\s*$", re.IGNORECASE)
_INSTALLMENT_LEFT = re.compile(r"\b(\d{1,2})\s*(?:x|vezes)\s*(?:de\s*)?(?:R\s?\$\s*)?$",
                               re.IGNORECASE)
_AND_CENTS = re.compile(rf"\s+e\s+(?P<n>\d{{1,2}}|[a-zçãéê ]+?)\s+{_CENTS_WORD}\b",
                        re.IGNORECASE)

_SHAPES = (
    ("pt_thousands", re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?")),  # 1.234 / 1.234,56
    ("pt_decimal", re.compile(r"\d+,\d{1,2}")),                         # 59,90 / 59,9
    ("us_thousands", re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")),  # 1,234.56
    ("dot_decimal", re.compile(r"\d+\.\d{1,2}")),                       # 59.90
    ("integer", re.compile(r"\d+")),
)


def _shape(token: str) -> tuple[str, Decimal] | None:
    for name, pattern in _SHAPES:
        if pattern.fullmatch(token):
            if name in ("pt_thousands", "pt_decimal"):
                plain = token.replace(".", "").replace(",", ".")
            else:
                plain = token.replace(",", "")
            try:
                return name, Decimal(plain)
            except InvalidOperation:  # pragma: no cover - the patterns only let digits in
                return None
    return None  # "12.05.2024", "1.2.3": not a number anyone prices with


# Numbers written out ("dois mil reais", "cinquenta e nove reais e noventa centavos").
_WORDS = {
    "zero": 0, "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "tres": 3, "quatro": 4,
    "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11,
    "doze": 12, "treze": 13, "quatorze": 14, "catorze": 14, "quinze": 15, "dezesseis": 16,
    "dezessete": 17, "dezoito": 18, "dezenove": 19, "vinte": 20, "trinta": 30,
    "quarenta": 40, "cinquenta": 50, "cinqüenta": 50, "sessenta": 60, "setenta": 70,
    "oitenta": 80, "noventa": 90, "cem": 100, "cento": 100, "duzentos": 200,
    "duzentas": 200, "trezentos": 300, "trezentas": 300, "quatrocentos": 400,
    "quatrocentas": 400, "quinhentos": 500, "quinhentas": 500, "seiscentos": 600,
    "seiscentas": 600, "setecentos": 700, "setecentas": 700, "oitocentos": 800,
    "oitocentas": 800, "novecentos": 900, "novecentas": 900,
}
_WORD_ALT = "|".join(sorted([*_WORDS, "mil"], key=len, reverse=True))
_SPELLED = re.compile(
    rf"\b(?P<words>(?:(?:{_WORD_ALT})(?:\s+e\s+|\s+))*(?:{_WORD_ALT}))\s+"
    rf"(?:(?P<reais>{_CURRENCY_WORD})|(?P<cents>{_CENTS_WORD}))\b",
    re.IGNORECASE)


def words_value(text: str) -> int | None:
    """ "dois mil e quinhentos" → 2500; None if it is not a number written out."""
    total = current = 0
    seen = False
    for word in re.split(r"\s+", text.strip().lower()):
        if word == "e":
            continue
        if word == "mil":
            total += (current or 1) * 1000
            current, seen = 0, True
        elif word in _WORDS:
            current += _WORDS[word]
            seen = True
        else:
            return None
    return total + current if seen else None


def _cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Mention:
    """An amount of money in a text: `cents`, where it was written, and — for "3x de
    R$ 19,90" — the number of installments it is one of."""

    cents: int
    start: int
    end: int
    text: str
    installments: int = 1
    # Its sentence speaks of a total (quantities, "+", "total", the delivery fee, Pix…):
    # only then may the amount be a sum or multiple of the business's amounts.
    composite: bool = False
    foreign: bool = False  # in dollars, euros…: never the business's amount
    # Not the largest amount of its total's sentence: one of the parts ("borda (R$ 19,00)
    # + entrega (R$ 7,00): total R$ 75,90"), so a quantity of one amount at most, never a
    # sum (an invented part priced as refri + entrega passed as "a total").
    part: bool = False

    @property
    def display(self) -> str:
        return self.text.strip() if self.foreign else format_brl(self.cents)


def _next_is_connector(right: str) -> bool:
    stripped = right.lstrip(" \t")
    if not stripped or not stripped[0].isalpha():
        return True  # end of text, punctuation, an emoji, a line break…
    word = _NEXT_WORD.match(right)
    return word is not None and word.group(1).lower() in _CONNECTORS


_GLUED_LEFT = re.compile(r"\d\s?[/:\-]$")   # "12/05", "18:30", "98765-4321", "01310-100"
_GLUED_RIGHT = re.compile(r"^\s?[/:\-]\d")


def _bare_excluded(text: str, start: int, end: int) -> bool:
    """A bare number that is part of a date, time, phone, CEP or id."""
    if _GLUED_LEFT.search(text[max(0, start - 3):start]) or \
            _GLUED_RIGHT.match(text[end:end + 3]):
        return True
    if text[start - 1:start] == "(" and text[end:end + 1] == ")":
        return True  # "(11)" — an area code
    return bool(_ID_LEFT.search(text[max(0, start - 20):start]))


_SENTENCE_END = re.compile(r"[!?;\n]|\.(?!\d)")
_TOTAL_CUE = re.compile(
    r"\btota(?:l|is)\b|\bsoma|\bjunt[oa]s\b|\bficam\b|\bsaem\b|\bcustam\b|\+|\bmais\b"
    r"|\bentrega\b|\bfrete\b|\btaxa\b|\bpedido\b|\bcombo\b|\bkit\b|\bpix\b|\blevando\b"
    r"|[àa]\s+vista|\bdesconto|\bparcela|\bvezes\b|\d\s*x\b|\bx\s*\d|\bsubtotal|\bcom\s+[ao]s?\s"
    r"|\b(?:(?<![\d.,])\d{1,2}|uma?|duas|dois|tr[eê]s|quatro|cinco|seis|sete|oito|nove|dez)\s+"
    r"(?!reais\b|real\b|contos?\b|pilas?\b|centavos?\b|mil\b)[^\W\d_]{3,}",
    re.IGNORECASE)


def _composite(text: str, at: int) -> bool:
    """Does the sentence around `at` present a total? ("Duas calabresas ficam…", "com a
    entrega…", "No Pix…"); "A calabresa sai por R$ 55,00." does not."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    end = _SENTENCE_END.search(text, at)
    sentence = text[starts[-1] if starts else 0:end.start() if end else len(text)]
    return bool(_TOTAL_CUE.search(sentence))


def mentions(text: str | None) -> list[Mention]:
    """Every amount of money written in `text`, in order."""
    text = _EMPHASIS.sub("", (text or "").translate(_SPACES))
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []  # spans already read (the "90 centavos" of a merge)

    def inside(start: int) -> bool:
        return any(a <= start < b for a, b in taken)

    for m in _NUMBER.finditer(text):
        start, end, token = m.start(), m.end(), m.group()
        if inside(start):
            continue
        shape = _shape(token)
        if shape is None:
            continue
        kind, value = shape
        left, right = text[max(0, start - 40):start], text[end:end + 40]
        if _PERCENT_RIGHT.match(right):
            continue
        foreign = _FOREIGN_LEFT.search(left) or _FOREIGN_RIGHT.match(right)
        if foreign:
            span = (start, end + foreign.end()) if foreign.re is _FOREIGN_RIGHT else (
                start, end)
            found.append(Mention(_cents(value), span[0], span[1], text[span[0]:span[1]],
                                 foreign=True))
            taken.append(span)
            continue
        currency_left = bool(_CURRENCY_LEFT.search(left))
        money_right = _RIGHT_MONEY.match(right)
        span_end = end
        if money_right:
            if money_right.group("mil"):
                value *= 1000
            if money_right.group("cents"):
                if kind != "integer" or currency_left:
                    continue  # "1,5 centavos"? not something a shop writes
                value = value / 100
            span_end = end + money_right.end()
        elif currency_left:
            mil = _RIGHT_MIL.match(right)
            if mil:  # "R$ 1 mil", "R$ 1,5 mil"
                value *= 1000
                span_end = end + mil.end()
        else:
            if _bare_excluded(text, start, end) or _UNIT.match(right):
                continue
            if kind == "us_thousands":
                continue  # "1,234" alone is too ambiguous to read as money
            decimals = re.split(r"[.,]", token)[-1] if kind != "integer" else ""
            two_places = kind in ("pt_decimal", "dot_decimal") and len(decimals) == 2 or (
                kind == "pt_thousands" and "," in token and len(decimals) == 2)
            if kind == "dot_decimal" and _DATE_LEFT.search(left):
                continue  # "dia 12.05"
            # A whole number ("55"), "1.234" or "59,9": money only after a price word and
            # when no noun follows ("custa 55 cada", not "custa 2 pizzas").
            if not two_places and not (_PRICE_CUE.search(left) and _next_is_connector(right)):
                continue
        cents = _cents(value)
        if money_right and money_right.group("reais"):
            extra = _AND_CENTS.match(text, span_end)
            if extra:  # "59 reais e 90 centavos"
                n = extra.group("n").strip()
                more = int(n) if n.isdigit() else words_value(n)
                if more is not None and 0 <= more < 100:
                    cents += more
                    taken.append((span_end, extra.end()))
                    span_end = extra.end()
        inst = _INSTALLMENT_LEFT.search(left)
        installments = int(inst.group(1)) if inst and 1 < int(inst.group(1)) <= \
            MAX_INSTALLMENTS else 1
        found.append(Mention(cents, start, span_end, text[start:span_end], installments,
                             _composite(text, start)))
        taken.append((start, span_end))
    for m in _SPELLED.finditer(text):
        if inside(m.start()) or any(m.start() <= a < m.end() for a, _ in taken):
            continue
        value = words_value(m.group("words"))
        if value is None:
            continue
        end = m.end()
        if m.group("cents"):
            cents = value  # "noventa centavos"
        else:
            cents = value * 100
            extra = _AND_CENTS.match(text, end)
            if extra:
                n = extra.group("n").strip()
                more = int(n) if n.isdigit() else words_value(n)
                if more is not None and 0 <= more < 100:
                    cents += more
                    end = extra.end()
        found.append(Mention(cents, m.start(), end, text[m.start():end],
                             composite=_composite(text, m.start())))
        taken.append((m.start(), end))
    found.sort(key=lambda x: x.start)
    return _mark_parts(text, found)


def _mark_parts(text: str, found: list[Mention]) -> list[Mention]:
    """In a sentence presenting a total, every amount but the largest is a part of it."""
    sentences: dict[int, list[Mention]] = {}
    for m in found:
        if m.composite:
            starts = [x.end() for x in _SENTENCE_END.finditer(text, 0, m.start)]
            sentences.setdefault(starts[-1] if starts else 0, []).append(m)
    parts = set()
    for group in sentences.values():
        top = max(m.cents * m.installments for m in group)
        parts.update(id(m) for m in group if m.cents * m.installments < top)
    return [replace(m, part=True) if id(m) in parts else m for m in found]


# --- declared percentages ----------------------------------------------------------------

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:%|por\s*cento\b)",
                      re.IGNORECASE)
_DISCOUNT_CUE = re.compile(r"desconto|\boff\b|\bpix\b|[àa]\s+vista|promo|cupom|\bmenos\b"
                           r"|abatimento|economi|\bdesc\.", re.IGNORECASE)
_SURCHARGE_CUE = re.compile(r"acr[ée]scimo|juros|\btaxa|a\s+mais|adicional",
                            re.IGNORECASE)


def declared_percentages(text: str | None) -> tuple[set[Decimal], set[Decimal]]:
    """(discounts, surcharges) the text declares: a percentage counts only with a discount
    or surcharge word in the same sentence ("10% no Pix", "5% de juros no cartão"); "100%
    algodão" declares nothing."""
    discounts: set[Decimal] = set()
    surcharges: set[Decimal] = set()
    text = (text or "").translate(_SPACES)
    for m in _PERCENT.finditer(text):
        value = Decimal(m.group(1).replace(",", "."))
        if not 0 < value < 100:
            continue
        lo = max(text.rfind(c, 0, m.start()) for c in ".!?\n;|") + 1
        ends = [i for i in (text.find(c, m.end()) for c in ".!?\n;|") if i >= 0]
        sentence = text[lo:min(ends) if ends else len(text)]
        if _DISCOUNT_CUE.search(sentence):
            discounts.add(value)
        if _SURCHARGE_CUE.search(sentence):
            surcharges.add(value)
    return discounts, surcharges


# --- what the business vouches for -------------------------------------------------------

def _round_variants(value: Decimal) -> set[int]:
    """A percentage of a total rounds to the centavo either way, depending on who did it."""
    return {int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            int(value.quantize(Decimal(1), rounding=ROUND_DOWN)),
            int(value.quantize(Decimal(1), rounding=ROUND_DOWN)) + 1}


@dataclass
class Allowed:
    amounts: frozenset[int]
    discounts: frozenset[Decimal] = frozenset()
    surcharges: frozenset[Decimal] = frozenset()
    _order: tuple[int, ...] = ()
    _memo: dict[tuple[int, bool, bool], bool] = field(default_factory=dict, repr=False)
    _pairs: frozenset[int] | None = field(default=None, repr=False)

    @classmethod
    def from_texts(cls, vouching: Iterable[str], declaring: Iterable[str] = (), *,
                   echoes: Iterable[str] = (), heard: Iterable[str] = ()) -> Allowed:
        """`vouching`: texts whose amounts are true (knowledge, business info);
        `declaring`: texts whose percentages are the business's own discounts; `echoes`:
        earlier bot messages, whose amounts are true unless the customer said them
        (`heard`) — a flow's "Você pediu: {{pedido}}" repeats the customer's own words."""
        said = {m.cents for text in heard for m in mentions(text)}
        order: list[int] = []
        texts = [(text, False) for text in vouching] + [(text, True) for text in echoes]
        for text, echo in texts:
            for m in mentions(text):
                if m.foreign or (echo and m.cents in said):
                    continue
                if m.cents > 0 and m.cents not in order:
                    order.append(m.cents)
                if m.installments > 1:  # "3x de R$ 19,90": the total is vouched for too
                    total = m.cents * m.installments
                    if total not in order:
                        order.append(total)
        discounts: set[Decimal] = set()
        surcharges: set[Decimal] = set()
        for text in declaring:
            d, s = declared_percentages(text)
            discounts |= d
            surcharges |= s
        return cls(frozenset(order), frozenset(discounts), frozenset(surcharges),
                   tuple(order))

    def _combined(self, target: int, composite: bool, part: bool = False) -> bool:
        """target is an amount of the business or — when the answer presents a total
        (`composite`) — k × a, k × a + b, or k × a + b + c with k ≤ 3 and b ≠ c (a, b, c
        amounts of the business, 1 ≤ k ≤ MAX_QUANTITY): "2 pizzas", "2 pizzas + entrega",
        "2 pizzas + refri + entrega". Larger mixes are not searched: with small round fees
        almost any round value would become reachable, and the guard would vouch for
        invented prices."""
        if target in self.amounts:
            return True
        if not composite:
            return False
        if self._pairs is None:  # b + c, computed once per answer
            base = sorted(self._order[:MAX_COMBINE])
            self._pairs = frozenset(b + c for i, b in enumerate(base) for c in base[i + 1:])
        plain, pairs = self.amounts, self._pairs
        base = self._order[:MAX_COMBINE]
        for a in base:
            for k in range(1, MAX_QUANTITY + 1):
                rest = target - k * a
                if rest < 0:
                    break
                if rest == 0:
                    return True
                if part:
                    continue
                if rest in plain or (k <= MAX_QUANTITY_IN_MIX and rest in pairs):
                    return True
                if k <= MAX_QUANTITY_IN_MIX and self._two_of_one_plus_one(rest, a):
                    return True
        return False

    def _two_of_one_plus_one(self, rest: int, a: int) -> bool:
        """rest = m × b + c with 2 ≤ m ≤ MAX_QUANTITY_IN_MIX, b ≠ a, c another amount:
        "2 pizzas + 2 refrigerantes + entrega"."""
        plain = self.amounts
        for b in self._order[:MAX_COMBINE]:
            if b == a:
                continue
            for m in range(2, MAX_QUANTITY_IN_MIX + 1):
                c = rest - m * b
                if c < 0:
                    break
                if c in plain and c not in (a, b):
                    return True
        return False

    def _reachable(self, target: int, composite: bool, part: bool = False) -> bool:
        key = (target, composite, part)
        if key in self._memo:
            return self._memo[key]
        ok = self._combined(target, composite, part)
        for pct in sorted(self.discounts):
            if ok:
                break
            # the discounted price, or the amount saved
            ok = any(self._combined(s, composite, part) for s in
                     _preimages(target, Decimal(100) - pct) + _preimages(target, pct))
        for pct in sorted(self.surcharges):
            if ok:
                break
            ok = any(self._combined(s, composite, part) for s in
                     _preimages(target, Decimal(100) + pct) + _preimages(target, pct))
        self._memo[key] = ok
        return ok

    def vouches(self, mention: Mention) -> bool:
        if mention.cents == 0:
            return True  # "R$ 0,00": free is never an invented price
        if self._reachable(mention.cents, mention.composite, mention.part):
            return True
        n = mention.installments
        if n > 1:  # one installment of a total: the total is cents × n, give or take
            return any(self._reachable(mention.cents * n + d, mention.composite, mention.part)
                       for d in range(-(n - 1), n))
        return False


def _preimages(target: int, pct: Decimal) -> list[int]:
    """Totals s whose `pct`% rounds to `target` centavos."""
    if pct <= 0:
        return []
    center = Decimal(target) * 100 / pct
    lo = int(center) - 2
    return [s for s in range(max(1, lo), lo + 6)
            if target in _round_variants(Decimal(s) * pct / 100)]


def unvouched(answer: str | None, allowed: Allowed) -> list[Mention]:
    """The amounts of `answer` the business does not vouch for (empty: the answer may go)."""
    return [m for m in mentions(answer) if m.foreign or not allowed.vouches(m)]


def without_amounts(text: str) -> str:
    """`text` with its amounts of money left out ("sai por R$ 1,00?" → "sai por …?"): a
    customer's question kept as a FAQ's title must not vouch for the price it asked about."""
    clean = _EMPHASIS.sub("", (text or "").translate(_SPACES))
    for m in reversed(mentions(clean)):
        clean = clean[:m.start] + "…" + clean[m.end:]
    return clean


# reason()'s words, read back by the page that shows them in another language
_REASON = re.compile(r"Resposta bloqueada: valor(?:es)? (.+) não (?:está|estão) no catálogo\.")


def blocked_values(stored: str) -> str | None:
    """The amounts a stored `reason` names ("R$ 55,00 e R$ 12,00"), or None for another
    text."""
    match = _REASON.fullmatch(stored)
    return match.group(1) if match else None


def reason(blocked: list[Mention]) -> str:
    """What the business reads in its AI log (pt-BR)."""
    values = []
    for m in blocked:
        if m.display not in values:
            values.append(m.display)
    shown = values[:5]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " e " + shown[-1]
    if len(values) == 1:
        return f"Resposta bloqueada: valor {listed} não está no catálogo."
    return f"Resposta bloqueada: valores {listed} não estão no catálogo."
