"""The built-in word lists across niches: a list speaks fully only for catalogs of its
niche, a list phrase the catalog never uses does not swallow the customer's words, and a
list member that its glue words reduce to one word stands for nothing."""

from __future__ import annotations

from ylada_app.services import knowledge_search as ks
from ylada_app.services import knowledge_text as kt


def _stats(stems: set[str]) -> ks._Stats:
    return ks._Stats(100, dict.fromkeys(stems, 3))


def _weights(concepts: list[kt.Concept]) -> dict[tuple[str, ...], float]:
    return {a.stems: a.weight for c in concepts for a in c.alternatives}


def test_every_niche_list_names_its_niche_and_general_groups_hold_everywhere():
    domains = kt.domain_stems()
    assert {"automotivo", "odonto", "flores", "eletronicos", "saude"} <= set(domains)
    assert "" not in domains and "geral" not in domains
    # "entrega" is in the general list: for every business, whatever its niche
    (concept,) = kt.analyze_question("entrega")
    assert all(not a.domains for a in concept.alternatives)


def test_another_niches_synonyms_are_weaker_in_a_catalog_of_a_niche():
    car_shop = _stats(set(sorted(kt.domain_stems()["automotivo"])[:ks.DOMAIN_MIN_WORDS]))
    assert "automotivo" in car_shop.domains()
    concepts = kt.analyze_question("buraco")  # the car list: buraco → mola, amortecedor
    ks._weaken_other_niches(concepts, car_shop)
    car_words = _weights(concepts)
    dental = _stats(set(sorted(kt.domain_stems()["odonto"])[:ks.DOMAIN_MIN_WORDS]))
    concepts = kt.analyze_question("buraco")
    ks._weaken_other_niches(concepts, dental)
    dental_words = _weights(concepts)
    assert car_words[("mol",)] == kt.SYNONYM_WEIGHT  # its own list: full weight
    assert dental_words[("mol",)] == kt.SYNONYM_WEIGHT * ks.OTHER_NICHE_FACTOR
    assert dental_words[("burac",)] == 1.0  # the customer's own word is never weakened


def test_a_catalog_of_no_listed_niche_may_use_every_list():
    pet_shop = _stats({"racao", "banh", "tos", "cachorr", "gat"})
    assert pet_shop.domains() == frozenset()
    concepts = kt.analyze_question("buraco")
    ks._weaken_other_niches(concepts, pet_shop)
    assert _weights(concepts)[("mol",)] == kt.SYNONYM_WEIGHT


def test_a_list_phrase_the_catalog_never_uses_is_read_word_by_word():
    concepts = kt.analyze_question("esmalte que dura mais tempo")
    assert any(" " in c.text for c in concepts)  # a florists' phrase took the words
    salon = _stats({"esmalt", "dur", "gel", "unha"})
    texts = [c.text for c in ks._unglue_unused_phrases(concepts, salon, None)]
    assert "dura" in texts and not any(" " in t for t in texts), texts
    # a phrase the catalog does use stays whole
    florist = _stats({"esmalt", "dur", "flor", "murch", "duradour"})
    kept = ks._unglue_unused_phrases(kt.analyze_question("esmalte que dura mais tempo"),
                                     florist, None)
    assert any(" " in c.text for c in kept)


def test_a_member_reduced_to_one_word_by_glue_words_is_no_synonym():
    # "e-sim" in the electronics list must not make every "Sim: …" answer a chip
    (concept,) = kt.analyze_question("chip")
    assert ("sim",) not in {a.stems for a in concept.alternatives}
    assert ("esim",) in {a.stems for a in concept.alternatives}


def test_word_families_the_stemmer_keeps_apart_meet():
    (concept,) = kt.analyze_question("proteger")
    assert {("proteca",), ("protetor",)} <= {a.stems for a in concept.alternatives}


def test_como_is_no_com_so_a_question_is_no_list_phrase_with_com():
    # Snowball stems "como" as "com": "como marco um horário?" was the general list's
    # "com marca" (a personalised product), not a booking
    assert kt.stem("como") != kt.stem("com")
    texts = {" ".join(a.words) for c in kt.analyze_question("como marco um horário?")
             for a in c.alternatives}
    assert "agendar" in texts and "personalizado" not in texts, texts
