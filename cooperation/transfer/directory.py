"""Finding institutions, agreements and fields of education by identifier,
reference or name, from maps loaded once per import (not a query per row)."""

import re
from collections import defaultdict
from operator import attrgetter

from django.db.models import F, Func
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .. import languages
from ..identifiers import normalize_erasmus_code
from ..models import (
    Agreement,
    FieldOfEducation,
    Institution,
)
from ..models.institution import IDENTIFIER_FIELDS
from .cells import (
    cell_text,
    normalized,
    split_list,
)


class InstitutionDirectory:
    """Every institution's identifiers and names, loaded in one query, to
    find records by identifier or name without a query per row.

    Two ways of comparing names: ``by_any_name`` (what a cell of another
    column names, e.g. an exchange's host) compares them ``normalized``, as
    every other cell; the institution import's own rows are compared as
    likely duplicates are, by the database's name keys (``name_keys``, see
    ``InstitutionQuerySet.name_keys_of``)."""

    def __init__(self):
        self.by_identifier = {field: {} for field in IDENTIFIER_FIELDS}
        #: (key of the name, country) -> the institutions so named.
        self.by_name_country = defaultdict(list)
        self.names = {}
        #: Each institution's names (``by_any_name``, built when first used).
        self.all_texts: dict[int, tuple[str, ...]] = {}
        #: The keys of every name of each institution, aliases and acronym
        #: included.
        self.all_names: dict[int, set[str]] = {}
        #: The keys of each institution's region and city.
        self.places: dict[int, tuple[str, str]] = {}
        self.countries = set()

        def key(column):
            return Func(F(column), function="cooperation_name_key")

        source_name = languages.column("name", languages.SOURCE)
        source_name_of = attrgetter(source_name)
        identifiers_of = attrgetter(*IDENTIFIER_FIELDS)
        # The names a cell may give (``by_any_name``): in every language
        # (the source language's first), official name, acronym.
        texts_of = attrgetter(*languages.columns("name"), "official_name", "acronym")
        # Without modeltranslation's rewriting: it would resolve fallbacks
        # for each row of a values list that names its columns already.
        rows = (
            Institution.objects.rewrite(False)
            .annotate(
                name_key=key(source_name),
                acronym_key=key("acronym"),
                region_key=key("region"),
                city_key=key("city"),
            )
            .values_list(
                "pk",
                "country",
                "name_key",
                "name_keys",
                "acronym_key",
                "region_key",
                "city_key",
                *IDENTIFIER_FIELDS,
                *languages.columns("name"),
                "official_name",
                "acronym",
                named=True,
            )
        )
        for row in rows.iterator(10_000):
            pk, country, name_key = row.pk, row.country, row.name_key
            self.names[pk] = source_name_of(row)
            for field, value in zip(
                IDENTIFIER_FIELDS, identifiers_of(row), strict=True
            ):
                if value:
                    self.by_identifier[field][value] = pk
            if name_key:
                self.by_name_country[(name_key, country)].append(pk)
            self.countries.add(country)
            self.all_texts[pk] = texts_of(row)
            self.all_names[pk] = {*row.name_keys, row.acronym_key} - {"", None}
            self.places[pk] = (row.region_key or "", row.city_key or "")

    @cached_property
    def by_any_name(self) -> dict[str, set[int]]:
        """Each ``normalized`` name, official name or acronym -> the
        institutions so named."""
        by_name = defaultdict(set)
        for pk, texts in self.all_texts.items():
            for text in {normalized(text) for text in texts if text}:
                by_name[text].add(pk)
        return by_name

    @staticmethod
    def identifiers(values: dict) -> dict[str, str]:
        """Identifier cells as stored: Erasmus codes re-padded, SCHAC codes
        in lower case, PICs without spaces."""
        cleaned = {}
        for field in IDENTIFIER_FIELDS:
            value = cell_text(values.get(field))
            if field == "erasmus_code":
                value = normalize_erasmus_code(value) if value else value
            elif field == "schac_code":
                value = value.lower().rstrip(".")
            elif field == "pic":
                value = re.sub(r"\s+", "", value)
            if value:
                cleaned[field] = value
        return cleaned

    def find(self, text: str) -> tuple[int | None, str]:
        """The institution that ``text`` (an identifier or a name) names,
        or None and why not."""
        text = cell_text(text)
        candidates = {
            "erasmus_code": normalize_erasmus_code(text),
            "schac_code": text.lower().rstrip("."),
            "pic": re.sub(r"\s+", "", text),
            "other_identifier": text,
        }
        for field, value in candidates.items():
            if value in self.by_identifier[field]:
                return self.by_identifier[field][value], ""
        found = sorted(self.by_any_name.get(normalized(text), ()))
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "“%(text)s” names several institutions (%(names)s): give an "
                "identifier instead."
            ) % {"text": text, "names": "; ".join(self.names[pk] for pk in found[:5])}
        return None, _("No institution has the identifier or name “%(text)s”.") % {
            "text": text
        }


def admin_link(model, pk) -> str:
    """The admin change page of record ``pk``."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


class ResolverMixin:
    """Finding institutions, fields of education and agreements by name."""

    @property
    def directory(self) -> InstitutionDirectory:
        if not hasattr(self, "_directory"):
            self._directory = InstitutionDirectory()
        return self._directory

    def find_institutions(self, value) -> tuple[list[int], list[str]]:
        pks, errors = [], []
        for text in split_list(value):
            if not text:
                continue
            pk, problem = self.directory.find(text)
            if problem:
                errors.append(problem)
            elif pk not in pks:
                pks.append(pk)
        return pks, errors

    def find_fields(self, value) -> tuple[list[int], list[str]]:
        if not hasattr(self, "_field_codes"):
            self._field_codes = dict(FieldOfEducation.objects.values_list("code", "pk"))
        pks, errors = [], []
        for text in split_list(value):
            if not text:
                continue
            code = text.split()[0]
            if code not in self._field_codes and "0" + code in self._field_codes:
                code = "0" + code  # Excel drops the leading zero of 041 or 0413
            if code in self._field_codes:
                pks.append(self._field_codes[code])
            else:
                errors.append(
                    _(
                        "“%(text)s” is not an ISCED-F 2013 code (e.g. 0215 for "
                        "music and performing arts)."
                    )
                    % {"text": text}
                )
        return pks, errors

    def find_agreement(self, text: str) -> tuple[int | None, str]:
        if not hasattr(self, "_agreements"):
            self._agreements = {}
            self._agreement_titles = defaultdict(list)
            for pk, reference, title in Agreement.objects.values_list(
                "pk", "reference", languages.column("title", languages.SOURCE)
            ):
                if reference:
                    self._agreements[reference.casefold()] = pk
                self._agreement_titles[normalized(title or "")].append(pk)
        text = cell_text(text)
        if text.casefold() in self._agreements:
            return self._agreements[text.casefold()], ""
        found = self._agreement_titles.get(normalized(text), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "Several agreements have the title “%(text)s”: give the "
                "reference number."
            ) % {"text": text}
        return None, _("No agreement has the reference number or title “%(text)s”.") % {
            "text": text
        }
