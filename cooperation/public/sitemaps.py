"""The sitemap index (/sitemap.xml) and its sections (/sitemap-<section>.xml):
every public page in every language, with hreflang alternates.

Django's i18n sitemaps build a (record, language) pair for every record of a
section before cutting out one page, which loads the whole table on every
request, and an OFFSET page reads every record before it. The record
sitemaps here cut a section by primary-key ranges instead: a page is one
index range scan, and costs the same on the last page of a million records
as on the first."""

from math import ceil

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language

from ..caching import cached_public
from ..models import Agreement, Exchange, Institution

#: The sitemap protocol's limit of <url> entries in one sitemap file.
PROTOCOL_MAX_URLS = 50_000


class KeyRangePaginator(Paginator):
    """Pages of consecutive primary-key ranges of ``per_page`` keys, from the
    lowest public key to the highest, each record given once per language
    as the (record, language) pairs Django's i18n ``Sitemap`` renders.

    A page never holds more than ``per_page`` records (fewer where keys are
    missing or unpublished); counting its pages takes two index lookups and
    a page one index range scan, at any size of the table."""

    def __init__(self, object_list, per_page, *, languages):
        super().__init__(object_list, per_page)
        self.languages = languages

    @cached_property
    def key_range(self) -> tuple[int, int] | None:
        """The lowest and highest public keys, None if none (two queries)."""
        keys = self.object_list.values_list("pk", flat=True)
        first = keys.order_by("pk").first()
        if first is None:
            return None
        return first, keys.order_by("-pk").first()

    @cached_property
    def num_pages(self) -> int:
        if self.key_range is None:
            return 1
        first, last = self.key_range
        return ceil((last - first + 1) / self.per_page)

    def page(self, number):
        """The page's records (one query, after the key range's two)."""
        number = self.validate_number(number)
        if self.key_range is None:
            return self._get_page([], number, self)
        above = self.key_range[0] - 1 + (number - 1) * self.per_page
        records = self.object_list.filter(pk__gt=above, pk__lte=above + self.per_page)
        pairs = [
            (record, language) for record in records for language in self.languages
        ]
        return self._get_page(pairs, number, self)


class RecordSitemap(Sitemap):
    """The public records of one type, at most ``limit`` URLs to a page."""

    i18n = True
    alternates = True
    x_default = True
    languages = [code for code, _name in settings.LANGUAGES]
    #: <url> entries in a page at most: one per record and language, each
    #: with an alternate link per language. Far below the protocol's 50,000:
    #: Django spends about 0.15 ms of CPU on each, so a page of 1,000 takes
    #: 0.15 s on a small server (0.5 s when it is busy), at any table size.
    limit = 1_000
    model = None

    def items(self):
        """The public records, with only what the sitemap shows (lazy)."""
        return self.model.objects.public().only("slug", "updated").order_by("pk")

    @property
    def paginator(self):
        return KeyRangePaginator(
            self.items(), self.limit // len(self.languages), languages=self.languages
        )

    def location(self, item):
        # Django calls this for every entry and again for each of its
        # alternates, six times per record and language: reverse once each.
        locations = item.__dict__.setdefault("_sitemap_locations", {})
        language = get_language()
        if language not in locations:
            locations[language] = item.get_absolute_url()
        return locations[language]

    def lastmod(self, item):
        return item.updated

    def get_latest_lastmod(self):
        """The last change of the section, for the index: one aggregate
        (0.4 s over a million exchanges) per version of the public data."""

        def compute():
            return self.items().aggregate(latest=Max("updated"))["latest"]

        return cached_public(f"sitemap-lastmod:{self.model._meta.label}", compute)


class ExchangeSitemap(RecordSitemap):
    model = Exchange


class InstitutionSitemap(RecordSitemap):
    model = Institution


class AgreementSitemap(RecordSitemap):
    model = Agreement


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "home",
            "exchange-list",
            "institution-list",
            "institution-map",
            "agreement-list",
            "statistics",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "exchanges": ExchangeSitemap,
    "institutions": InstitutionSitemap,
    "agreements": AgreementSitemap,
}
