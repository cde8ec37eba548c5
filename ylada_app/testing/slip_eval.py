"""How retrieval holds up when a customer's finger slips: the evaluation's answerable
questions (tuning split only) asked again with one content word misspelt the way people type
on a phone — a letter left out, doubled, two letters swapped, a neighbouring key, a
sound-alike spelling ("ç" for "ss", "z" for "s", "x" for "ch"…).

    python -m ylada_app.testing.slip_eval        (make ai-eval-slips; SQLite, ~20 s)

One line per kind of slip: `slips[<kind>]: questions=… hit@1_as_written=… hit@1_misspelt=…`.
The slips are drawn at random with a fixed seed per niche, two per question and kind, so
the figures move only when retrieval does. The misspellings are generated, not written for
the word lists: they measure the general case the typo handling is for.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOURS = {c: row[max(0, i - 1):i] + row[i + 1:i + 2]
              for row in KEYBOARD_ROWS for i, c in enumerate(row)}
SOUND_ALIKE = (("ss", "ç"), ("ç", "ss"), ("ce", "se"), ("ci", "si"), ("s", "z"), ("x", "ch"),
               ("ch", "x"), ("ge", "je"), ("gi", "ji"), ("lh", "li"), ("rr", "r"),
               ("ão", "am"), ("qu", "k"), ("u", "o"), ("e", "i"))
CONTENT_WORD = re.compile(r"[A-Za-zÀ-ÿ]{5,}")


def _left_out(w: str, rng: random.Random) -> str | None:
    i = rng.randrange(1, len(w) - 1)
    return w[:i] + w[i + 1:]


def _swapped(w: str, rng: random.Random) -> str | None:
    i = rng.randrange(1, len(w) - 2)
    return w[:i] + w[i + 1] + w[i] + w[i + 2:]


def _doubled(w: str, rng: random.Random) -> str | None:
    i = rng.randrange(1, len(w))
    return w[:i] + w[i] + w[i:]


def _neighbour_key(w: str, rng: random.Random) -> str | None:
    at = [i for i in range(1, len(w)) if w[i] in NEIGHBOURS]
    if not at:
        return None
    i = rng.choice(at)
    return w[:i] + rng.choice(NEIGHBOURS[w[i]]) + w[i + 1:]


def _sound_alike(w: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in SOUND_ALIKE if a in w[1:]]
    if not options:
        return None
    a, b = rng.choice(options)
    i = w.index(a, 1)
    return w[:i] + b + w[i + len(a):]


SLIPS: dict[str, Callable[[str, random.Random], str | None]] = {
    "left_out": _left_out, "swapped": _swapped, "doubled": _doubled,
    "neighbour_key": _neighbour_key, "sound_alike": _sound_alike}


def _unaccented(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch))


def main() -> int:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='ylada-slips-')}/eval.db"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="ylada-slips-data-"))
    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.services import knowledge
    from ylada_app.services import knowledge_text as kt
    from ylada_app.testing import retrieval_eval as ev

    reset_settings_cache()
    migrate(url)
    stop = kt.stop_stems()
    totals = {kind: [0, 0, 0] for kind in SLIPS}  # questions, right as written, misspelt
    with session_scope() as session:
        for niche in ev.NICHES:
            tenant_id, instance_id = ev._setup(session)
            ev.load_niche(session, niche, tenant_id=tenant_id, instance_id=instance_id)
            session.commit()
            rng = random.Random(niche)

            def right(question: str, expected: list[str], shop=(tenant_id, instance_id)
                      ) -> bool:
                hits = knowledge.search(session, tenant_id=shop[0], instance_id=shop[1],
                                        question=question, k=5)
                return bool(hits) and ev._key(hits[0].item) in expected

            for row in ev.niche_questions(niche):
                if row["split"] != "tuning" or not row["expect"]:
                    continue
                words = [m for m in CONTENT_WORD.finditer(row["q"])
                         if kt.stem(kt.fold(m.group())) not in stop]
                if not words:
                    continue
                as_written = right(row["q"], row["expect"])
                for kind, slip in SLIPS.items():
                    for _ in range(2):
                        m = rng.choice(words)
                        wrong = slip(m.group(), rng)
                        if not wrong or _unaccented(wrong) == _unaccented(m.group()):
                            continue
                        asked = row["q"][:m.start()] + wrong + row["q"][m.end():]
                        t = totals[kind]
                        t[0] += 1
                        t[1] += as_written
                        t[2] += right(asked, row["expect"])
    for kind, (n, ok, slipped) in totals.items():
        print(f"slips[{kind}]: questions={n} hit@1_as_written={ok / n:.3f} "
              f"hit@1_misspelt={slipped / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
