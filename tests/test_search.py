"""Full-text search: four languages, Chinese terms of any length, ranking,
hostile input, and the GIN indexes that serve it (cooperation/search.py)."""

import pytest
from django.db import connection

from cooperation import languages
from cooperation.models import Agreement, Exchange, Institution
from cooperation.search import (
    VECTOR_LANGUAGES,
    _vector,
    build_query,
    cjk_query_text,
    split_terms,
)
from tests.factories import make_agreement, make_exchange, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def shanghai():
    return make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        name_fr="Conservatoire de musique de Shanghai",
        official_name="上海音乐学院",
        acronym="SHCM",
        country="CN",
        city="Shanghai",
    )


@pytest.fixture
def antwerp():
    return make_institution(
        name="AP University of Applied Sciences and Arts Antwerp",
        name_nl="AP Hogeschool Antwerpen",
        name_fr="Haute École AP d'Anvers",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
        aliases="Artesis Plantijn Hogeschool Antwerpen",
        erasmus_code="B  ANTWERP62",
        schac_code="ap.be",
    )


def found(queryset) -> set:
    return set(queryset)


# Chinese


def test_two_characters_find_exchanges_through_the_host_name(shanghai, antwerp):
    hosted = make_exchange(title="Chamber ensemble on tour", host=shanghai)
    elsewhere = make_exchange(title="Welding course", host=antwerp)

    assert found(Exchange.objects.search("上海")) == {hosted}
    assert elsewhere not in found(Exchange.objects.search("上海"))


def test_two_characters_find_exchanges_through_a_partner_name(shanghai, antwerp):
    exchange = make_exchange(title="Piano masterclasses", host=antwerp)
    exchange.partners.set([shanghai])
    make_exchange(title="Piano tuning", host=antwerp)

    assert list(Exchange.objects.search("上海")) == [exchange]


def test_exchange_matched_several_ways_is_listed_once(shanghai):
    exchange = make_exchange(title="上海音乐周", host=shanghai)
    exchange.partners.set([shanghai])

    assert list(Exchange.objects.search("上海")) == [exchange]


def test_two_characters_find_an_exchange_by_its_title():
    music = make_exchange(title="音乐夏令营")
    make_exchange(title="护理培训")

    assert list(Exchange.objects.search("音乐")) == [music]


def test_a_single_character_is_found():
    music = make_exchange(title="音乐夏令营")
    happy = make_exchange(title="快乐学习")
    make_exchange(title="护理培训")

    assert found(Exchange.objects.search("乐")) == {music, happy}


def test_a_long_phrase_is_found(shanghai):
    make_exchange(title="Summer school", host=shanghai)

    assert Institution.objects.search("上海音乐学院").get() == shanghai
    assert Institution.objects.search("音乐学院").get() == shanghai
    assert not Institution.objects.search("上海学院").exists()


def test_character_order_counts():
    maritime = make_exchange(title="海上丝绸之路职业教育论坛")

    assert not Exchange.objects.search("上海").exists()
    assert list(Exchange.objects.search("海上")) == [maritime]
    assert list(Exchange.objects.search("丝绸之路")) == [maritime]


def test_chinese_and_latin_terms_are_all_required():
    both = make_exchange(title="Orchestra tour to 上海")
    make_exchange(title="Orchestra tour of Flanders")
    make_exchange(title="上海 welding course")

    assert list(Exchange.objects.search("上海 orchestra")) == [both]
    assert list(Exchange.objects.search("orchestra上海")) == [both]


def test_terms_may_match_the_exchange_and_its_host_together(shanghai):
    exchange = make_exchange(title="Orchestra tour", host=shanghai)

    assert list(Exchange.objects.search("上海 conservatory")) == [exchange]
    assert list(Exchange.objects.search("上海 orchestra")) == [exchange]
    assert not Exchange.objects.search("上海 ballet").exists()


def test_own_title_ranks_above_a_host_name_match(shanghai):
    through_host = make_exchange(title="Composition course", host=shanghai)
    own = make_exchange(title="Shanghai summer school")

    ranked = list(Exchange.objects.search("shanghai"))

    assert ranked == [own, through_host]


def test_renaming_an_institution_updates_its_exchanges_documents(shanghai):
    partner = make_institution(name="Ghent Opera Studio")
    exchange = make_exchange(title="Orchestra tour", host=shanghai, partners=[partner])
    assert list(Exchange.objects.search("opera studio")) == [exchange]

    partner.name = "Flanders Lyric Workshop"
    partner.save()

    assert not Exchange.objects.search("opera studio").exists()
    assert list(Exchange.objects.search("lyric workshop")) == [exchange]


def test_partners_added_and_removed_update_the_document(shanghai):
    partner = make_institution(name="Ghent Opera Studio")
    exchange = make_exchange(title="Orchestra tour", host=shanghai)
    assert not Exchange.objects.search("opera studio").exists()

    exchange.partners.add(partner)
    assert list(Exchange.objects.search("opera studio")) == [exchange]

    exchange.partners.remove(partner)
    assert not Exchange.objects.search("opera studio").exists()


def test_unpublished_partner_name_does_not_find_the_exchange(shanghai):
    partner = make_institution(name="Ghent Opera Studio", published=False)
    exchange = make_exchange(title="Orchestra tour", host=shanghai, partners=[partner])
    assert not Exchange.objects.search("opera studio").exists()

    partner.published = True
    partner.save()

    assert list(Exchange.objects.search("opera studio")) == [exchange]


def test_changing_the_host_updates_the_document(shanghai):
    exchange = make_exchange(title="Orchestra tour", host=shanghai)
    exchange.host = make_institution(name="Ghent Opera Studio")
    exchange.save()

    assert not Exchange.objects.search("上海").exists()
    assert list(Exchange.objects.search("opera studio")) == [exchange]


def test_chinese_summary_and_translation_columns_are_searched():
    exchange = make_exchange(
        title="Nursing placement", title_zh_hans="护理实习", summary_zh_hans="在海南"
    )

    assert list(Exchange.objects.search("护理")) == [exchange]
    assert list(Exchange.objects.search("海南")) == [exchange]


# Latin scripts


def test_english_words_are_stemmed():
    exchange = make_exchange(title="Orchestra performance in Antwerp")

    assert list(Exchange.objects.search("performances")) == [exchange]
    assert list(Exchange.objects.search("Performing")) == [exchange]


def test_accents_are_ignored_both_ways(antwerp):
    school = make_institution(name="Ecole hôtelière de Lausanne", country="CH")

    assert found(Institution.objects.search("ecole")) == {antwerp, school}
    assert found(Institution.objects.search("École")) == {antwerp, school}
    assert list(Institution.objects.search("hoteliere")) == [school]
    assert not Institution.objects.search("école welding").exists()


def test_french_and_dutch_names_are_found(antwerp):
    make_institution(name="Ghent University", name_nl="Universiteit Gent")

    assert list(Institution.objects.search("Anvers")) == [antwerp]
    assert list(Institution.objects.search("hogeschool antwerpen")) == [antwerp]


def test_dutch_and_french_words_are_stemmed():
    exchange = make_exchange(
        title="Concert tour",
        title_nl="Muziekuitwisseling met concerten",
        title_fr="Échange musical et concerts",
    )

    assert list(Exchange.objects.search("concert")) == [exchange]
    assert list(Exchange.objects.search("muziekuitwisseling")) == [exchange]
    assert list(Exchange.objects.search("échanges")) == [exchange]


def test_stop_words_of_any_language_are_not_required():
    school = make_institution(name="Conservatoire Royal Bruxelles", country="BE")

    assert list(Institution.objects.search("conservatoire de Bruxelles")) == [school]
    assert list(Institution.objects.search("the conservatoire")) == [school]


def test_a_query_of_stop_words_only_looks_for_them_as_they_are():
    the_hague = make_institution(name="The Hague University", country="NL")
    make_institution(name="Ghent University")

    assert list(Institution.objects.search("the")) == [the_hague]


def test_institution_aliases_acronym_and_codes_are_found(shanghai, antwerp):
    assert list(Institution.objects.search("Artesis Plantijn")) == [antwerp]
    assert list(Institution.objects.search("shcm")) == [shanghai]
    assert list(Institution.objects.search("B ANTWERP62")) == [antwerp]
    assert list(Institution.objects.search("antwerp62")) == [antwerp]
    assert list(Institution.objects.search("ap.be")) == [antwerp]


def test_agreement_title_reference_and_summary_are_found():
    agreement = make_agreement(
        title="Memorandum on music education",
        title_zh_hans="音乐教育合作备忘录",
        reference="AP-2026-001",
        summary="Joint concerts and teacher mobility.",
    )
    make_agreement(title="Agreement on welding")

    for term in ("memorandum", "音乐", "AP-2026-001", "concerts", "mobility"):
        assert list(Agreement.objects.search(term)) == [agreement], term


def test_agreement_internal_notes_are_never_searched():
    make_agreement(title="Cooperation", internal_notes="confidential budget dispute")

    assert not Agreement.objects.search("confidential").exists()
    assert not Agreement.objects.search("budget dispute").exists()


# Ranking


def test_a_title_match_ranks_above_a_summary_match():
    in_summary = make_exchange(
        title="Spring programme", summary="Violin lessons every morning."
    )
    in_title = make_exchange(title="Violin masterclass", summary="Every morning.")

    results = list(Exchange.objects.search("violin"))

    assert results == [in_title, in_summary]
    assert results[0].rank > results[1].rank > 0


def test_a_name_match_ranks_above_an_alias_match():
    by_alias = make_institution(name="Karel de Grote University", aliases="Music hub")
    by_name = make_institution(name="Music University", aliases="")

    assert list(Institution.objects.search("music")) == [by_name, by_alias]


# Input


@pytest.mark.parametrize("text", ["", "   ", None, "!!!", "& | ! ( ) : * <->", "。，"])
def test_empty_or_punctuation_only_input_filters_nothing(text):
    exchanges = {make_exchange(), make_exchange()}

    assert build_query(text) is None
    assert found(Exchange.objects.search(text)) == exchanges
    assert all(exchange.rank == 0 for exchange in Exchange.objects.search(text))


@pytest.mark.parametrize(
    "text",
    [
        "a & | !(",
        "music & !x",
        "o'brien",
        "back\\slash",
        "'上海' <-> '海'",
        "上海:* | !音乐",
        "x" * 1000,
        "上" * 500,
        "music)) OR 1=1 --",
    ],
)
def test_tsquery_syntax_in_input_is_only_text(text, shanghai):
    make_exchange(title="Orchestra tour", host=shanghai)
    words, runs = split_terms(text)
    plain = " ".join(word.strip("&|!():*<>-'\\") for word in words + runs)

    # The operators and quotes change nothing: the same rows as their words.
    for model in (Exchange, Institution, Agreement):
        assert found(model.objects.search(text)) == found(model.objects.search(plain))


def test_operators_in_input_are_not_operators():
    make_exchange(title="Orchestra tour")

    # As tsquery syntax, "!" would negate and "|" make either word enough.
    assert Exchange.objects.search("!orchestra").exists()
    assert not Exchange.objects.search("welding | orchestra").exists()


def test_split_terms_separates_latin_words_and_chinese_runs():
    assert split_terms("AP应用科学 école, & 上海") == (
        ["AP", "école,"],
        ["应用科学", "上海"],
    )


def test_chinese_runs_become_characters_grams_or_phrases():
    assert cjk_query_text("乐") == "'乐'"
    assert cjk_query_text("上海") == "'上海'"
    assert cjk_query_text("上海音乐") == "'上海' <-> '海音' <-> '音乐'"


# The stored vector


def test_vector_follows_bulk_updates():
    exchange = make_exchange(title="Welding course")

    Exchange.objects.filter(pk=exchange.pk).update(title_zh_hans="焊接课程")

    assert list(Exchange.objects.search("焊接")) == [exchange]


def test_search_combines_with_other_queryset_methods(shanghai):
    public = make_exchange(title="Orchestra tour", host=shanghai)
    make_exchange(title="Orchestra tour", host=shanghai, published=False)

    assert list(Exchange.objects.public().search("上海")) == [public]
    assert Exchange.objects.search("上海").public().count() == 1


# Indexes


def plan(queryset) -> str:
    """The plan of ``queryset`` with sequential scans discouraged, as the
    planner would choose at a million rows (tables here are tiny)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize("term", ["上海", "乐", "music"])
def test_institution_search_uses_the_gin_index(term, shanghai):
    text = plan(Institution.objects.search(term))

    assert "Bitmap Index Scan on institution_search_vector_gin" in text


@pytest.mark.parametrize("term", ["上海", "音乐", "乐", "orchestra"])
def test_exchange_search_uses_the_gin_indexes(term, shanghai):
    make_exchange(title="Orchestra tour 音乐", host=shanghai)

    text = plan(Exchange.objects.search(term))

    # One index holds the exchanges' own texts and their institutions' names.
    assert "Bitmap Index Scan on exchange_search_vector_gin" in text
    assert "cooperation_institution" not in text


def test_agreement_search_uses_the_gin_index():
    text = plan(Agreement.objects.search("上海"))

    assert "Bitmap Index Scan on agreement_search_vector_gin" in text


def test_the_search_documents_cover_every_language_of_the_site():
    # The SQL function takes one text per language, in its own order
    # (VECTOR_LANGUAGES); a language added to the settings must be added
    # there too (search.py refuses to load otherwise).
    assert sorted(VECTOR_LANGUAGES) == sorted(
        languages.suffix(code) for code in languages.CODES
    )
    vector = _vector("A", "title", ("reference",))
    columns = [
        expression.name
        for expression in vector.get_source_expressions()
        if hasattr(expression, "name")
    ]
    assert sorted(columns[:-1]) == sorted(languages.columns("title"))
    assert columns[-1] == "reference"
