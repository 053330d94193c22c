"""Full-text search over names, aliases, titles and summaries in four languages.

Only what ships with PostgreSQL and its contrib modules (unaccent), so that
any hosted PostgreSQL runs it. The pieces:

* Documents: each searchable model has a stored ``search_vector`` column
  (a ``GeneratedField``, so bulk updates and imports keep it right without
  triggers) with a GIN index. It is computed by the SQL function
  ``cooperation_search_vector`` that migration 0004 creates:

  - English, Dutch and French texts through their own stemming
    configurations, every text also through ``simple`` (names, aliases and
    codes have no language), all with accents removed;
  - every run of Chinese (also Japanese and Korean) characters as its single
    characters and its overlapping two-character grams, at positions that
    make consecutive grams adjacent. "上海音乐学院" gives 上 海 音 乐 学 院
    and 上海 海音 音乐 乐学 学院.

  Names and titles get weight A, summaries, descriptions and aliases B.

* Queries (``build_query``): a word in a Latin script matches any of the
  four configurations (so "performances" finds "performance", "ecole" finds
  "école", "muziek" finds Dutch text); a word that one of the languages
  treats as a stop word ("de", "the", "van") is not required. A Chinese run
  of one character looks up that character, of two the two-character gram,
  of three or more the phrase of its consecutive grams (上海音乐 is
  上海 <-> 海音 <-> 音乐), so word order counts and 上海 does not find 海上.
  All words and runs must match. Every lookup is one GIN index key, which is
  why one- and two-character terms are served by the index (pg_trgm cannot:
  it makes no trigram from two characters).

Exchanges are also found through their host and partner institutions (a
search for 上海 finds the Shanghai Conservatory's exchanges): an exchange's
document also holds the names of its host and its published partners, with
weight C (``Institution.names_vector``, copied into
``Exchange.institution_names`` by triggers that migration 0009 creates, so
that every writer keeps it current: the admin, imports, COPY, bulk updates,
renaming or unpublishing an institution). Terms may match in different
places: "上海 orchestra" finds an orchestra tour hosted in Shanghai. One
GIN index serves the whole search.

User input never becomes tsquery syntax: Latin words go through
``plainto_tsquery``, which ignores operators, and Chinese runs contain only
Chinese characters by construction.
"""

import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from . import languages

# Han (with extension A, compatibility ideographs and the supplementary
# planes), kana and hangul. The same ranges are in migration 0004's SQL.
CJK_RANGES = (
    "\u3040-\u30ff"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uac00-\ud7af"
    "\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# Longest input considered: the rest is cut off (a search box, not a parser).
MAX_QUERY_LENGTH = 200


# The translated columns' suffixes, in the order of the SQL function's
# arguments (migration 0004: its order, not the settings', so spelled out).
VECTOR_LANGUAGES = ("en", "nl", "fr", "zh_hans")
# A language added to the settings needs a place in the SQL function (a
# migration) before search can cover it: say so rather than leave it out.
if sorted(VECTOR_LANGUAGES) != sorted(
    languages.suffix(code) for code in languages.CODES
):
    raise ImproperlyConfigured(
        "cooperation/search.py: VECTOR_LANGUAGES "
        f"({', '.join(VECTOR_LANGUAGES)}) must be the suffixes of the "
        f"languages of settings.LANGUAGES ({', '.join(languages.CODES)}): "
        "the SQL function cooperation_search_vector takes one text per language."
    )


def _vector(weight: str, translated: str, others: tuple[str, ...]) -> Func:
    # Plain Func (not a subclass) so that migrations need nothing from here.
    return Func(
        Value(weight),
        *(F(f"{translated}_{language}") for language in VECTOR_LANGUAGES),
        *(F(name) for name in others),
        function="cooperation_search_vector",
        output_field=SearchVectorField(),
    )


def search_vector_field(
    *,
    primary: str,
    secondary: str,
    primary_others: tuple[str, ...] = (),
    secondary_others: tuple[str, ...] = (),
    also: str | None = None,
) -> models.GeneratedField:
    """The stored ``search_vector`` of a model: the translated field
    ``primary`` (e.g. "title": title_en, title_nl, ...) and the plain fields
    ``primary_others`` with weight A, ``secondary`` and ``secondary_others``
    with weight B, plus the tsvector column ``also`` if given. Give it a GIN
    index in ``Meta.indexes``."""
    parts: list[Func | F] = [
        _vector("A", primary, primary_others),
        _vector("B", secondary, secondary_others),
    ]
    if also:
        parts.append(F(also))
    return models.GeneratedField(
        expression=Func(
            *parts,
            template="(%(expressions)s)",
            arg_joiner=" || ",
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search vector"),
    )


# Combinable's & and | (giving a Q) and SearchQueryCombinable's (giving a
# query) clash in the stubs; django-stubs ignore it on SearchQuery too.
class TsQuery(SearchQueryCombinable, Func):  # type: ignore[misc]
    """A tsquery-valued SQL function call; combine with ``&``, ``|``."""

    output_field = SearchQueryField()
    config = None  # read by SearchQueryCombinable when combining


class Matches(Func):
    """``vector @@ query``: usable directly in ``filter()`` and ``Q()``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = models.BooleanField()


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def cjk_query_text(run: str) -> str:
    """The tsquery text for a run of Chinese characters (see the module
    docstring): 乐 -> '乐', 上海 -> '上海', 上海音 -> '上海' <-> '海音'."""
    if len(run) == 1:
        return _quote_lexeme(run)
    grams = [run[i : i + 2] for i in range(len(run) - 1)]
    return " <-> ".join(_quote_lexeme(gram) for gram in grams)


def split_terms(text: str) -> tuple[list[str], list[str]]:
    """Split input into Latin-script words and runs of Chinese characters."""
    text = text[:MAX_QUERY_LENGTH]
    runs = CJK_RUN.findall(text)
    words = CJK_RUN.sub(" ", text).split()
    # Keep only words with a letter or digit: "&", "|", "!(" are no words.
    words = [word for word in words if any(ch.isalnum() for ch in word)]
    return words, runs


def build_query(text: str | None) -> TsQuery | None:
    """A tsquery expression for the user's ``text``, or None when the text
    has nothing to search for (empty, punctuation only)."""
    words, runs = split_terms(text or "")
    if not words and not runs:
        return None
    parts = []
    if words:
        # Stop words and the four configurations: see the SQL function.
        parts.append(
            TsQuery(
                *(Value(word) for word in words), function="cooperation_words_tsquery"
            )
        )
    parts += [
        TsQuery(Cast(Value(cjk_query_text(run)), SearchQueryField()), function="")
        for run in runs
    ]
    query = parts[0]
    for part in parts[1:]:
        query = query & part
    return query


def prefix_query(text: str | None, weight: str = "") -> TsQuery | None:
    """A tsquery for type-ahead: every Latin word of ``text`` as a prefix
    ("conserv" finds "Conservatory"), lower-cased and without accents as the
    documents store them, Chinese runs as in ``build_query``; ``weight``
    (e.g. "A") limits the words to that weight. None when there is nothing
    to look for."""
    words, runs = split_terms(text or "")
    lexemes = []
    for word in words:
        plain = "".join(
            ch
            for ch in unicodedata.normalize("NFKD", word.lower())
            if ch.isalnum() and not unicodedata.combining(ch)
        )
        if plain:
            lexemes.append(f"{_quote_lexeme(plain)}:*{weight}")
    lexemes += [f"({cjk_query_text(run)})" for run in runs]
    if not lexemes:
        return None
    return TsQuery(Cast(Value(" & ".join(lexemes)), SearchQueryField()), function="")


def matches(query, vector: str = "search_vector") -> Matches:
    """The condition ``vector @@ query`` (served by the vector's GIN index)."""
    return Matches(F(vector), query)


def rank(query, vector: str = "search_vector") -> SearchRank:
    """``ts_rank`` of the vector for ``query``: title and name matches (weight
    A) count more than summary, description and alias matches (weight B)."""
    return SearchRank(F(vector), query)


def names_vector_field(*, names: str, others: tuple[str, ...] = ()):
    """A stored tsvector of the translated field ``names`` and the plain
    fields ``others``, with weight C: what other records' documents copy
    (an exchange's holds its host's and partners' names)."""
    return models.GeneratedField(
        expression=_vector("C", names, others),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("names for search"),
    )


def search(queryset: models.QuerySet, text: str | None):
    """Filter ``queryset`` to rows whose ``search_vector`` matches ``text``,
    annotate ``rank`` and order by it, best first, then by the model's
    ordering. Ranking reads every match's vector: bound the rows it ranks
    (see ``filters.SearchFilterSet``) when a term can match many.

    Empty or punctuation-only text filters nothing (``rank`` is 0)."""
    query = build_query(text)
    ordering = ["-rank", *queryset.model._meta.ordering]
    if query is None:
        return queryset.annotate(
            rank=Value(0.0, output_field=models.FloatField())
        ).order_by(*ordering)
    return (
        queryset.filter(matches(query)).annotate(rank=rank(query)).order_by(*ordering)
    )
