"""Writes ylada_app/services/lexicon/acentos.tsv: words typed without accents → how they are
written, from pyspellchecker's Portuguese word list (run again after upgrading it)."""

from ylada_app.services import knowledge_text as kt

forms = kt.written_forms_from_word_list()
kt.ACCENTS_FILE.write_text("".join(f"{k}\t{v}\n" for k, v in forms.items()), encoding="utf-8")
print(f"{len(forms)} words → {kt.ACCENTS_FILE}")
