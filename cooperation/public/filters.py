"""One FilterSet per public catalog (shared later by the JSON API).

No filter renders a choice per record: institutions are picked by typing
(with suggestions from ``institution-suggestions``), fields of education from
the broad and narrow levels, countries from those that have institutions
(cached). A catalog's page HTML does not grow with the registry.
"""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.widgets import BaseCSVWidget

from .. import search as full_text
from ..caching import cached_public
from ..models import Agreement, Exchange, FieldOfEducation, Institution
from ..paginators import OrderedParts

ANY = _("Any")
# A search ranks at most this many of its matches (the latest), so that a
# term found in half the registry costs what a rare one does.
SEARCH_CANDIDATES = 1000
# An institution filter typed as words looks at most at this many matches.
INSTITUTIONS_MATCHED = 500


def country_choices(codes) -> list[tuple[str, str]]:
    """(code, name) for the given ISO codes, sorted by name in the active
    language."""
    return sorted(
        ((code, countries.name(code)) for code in set(codes) if code),
        key=lambda choice: choice[1],
    )


def public_country_choices() -> list[tuple[str, str]]:
    """Countries that have public institutions, in the active language
    (cached: a scan of the institutions)."""

    def compute():
        return country_choices(
            Institution.objects.public()
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )

    return cached_public("filters:countries", compute, per_language=True)


def field_choices() -> list[tuple[str, str]]:
    """The broad and narrow fields of education (about 40), the narrow ones
    indented under their broad field; detailed fields are still accepted in
    the URL. Cached per language."""

    def compute():
        fields = FieldOfEducation.objects.exclude(level="detailed").order_by("code")
        return [
            (field.code, f"{field.code} {field.name}")
            if field.level == "broad"
            else (field.code, f"\u2003{field.code} {field.name}")
            for field in fields
        ]

    # Under the public data's version, like the other choices: kept for ever,
    # a renamed field would never show (with Redis, not even after a restart).
    return cached_public("filters:fields", compute, per_language=True)


RELEVANCE = "relevance"


class OneOrderSelect(BaseCSVWidget, forms.Select):
    """The sort control: a select whose value is one order. A comma does not
    separate several (``title,newest`` is an order no catalog knows)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return None if value is None else [value] if value else []


class SortFilter(django_filters.OrderingFilter):
    """The ``sort`` parameter: django-filter's OrderingFilter (its choices,
    labels and validation) over a catalog's named orders, each a few columns
    in the directions it names with the key last, and "relevance" (a
    search's rank, then the first order). One order at a time: the pages
    read its parts (``SearchFilterSet.parts``) and the API's cursors name
    it. The FilterSet orders its result, with or without a ``sort``
    (``SearchFilterSet.ordering``)."""

    def __init__(self, orders: dict[str, tuple[str, ...]], labels: dict, **kwargs):
        self.orders = orders
        super().__init__(
            fields=[(name, name) for name in (*orders, RELEVANCE)],
            field_labels={RELEVANCE: _("Relevance"), **labels},
            label=_("Sort by"),
            empty_label=None,
            widget=OneOrderSelect,
            **kwargs,
        )

    def build_choices(self, fields, labels):
        # Each order names its columns' directions: no "(descending)" twins.
        return [(param, labels[field]) for field, param in fields.items()]

    @property
    def default(self) -> str:
        """The order without ``sort`` or a search: the first one."""
        return next(iter(self.orders))

    def columns(self, name: str) -> tuple[str, ...]:
        if name == RELEVANCE:
            return ("-rank", *self.orders[self.default])
        return self.orders[name]

    def filter(self, qs, value):
        return qs  # SearchFilterSet.qs orders by ``columns``


class ChoiceSelect(forms.Select):
    """A select whose choices are computed when it renders (per language)."""

    def __init__(self, choices_function, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices_function = choices_function

    def get_context(self, name, value, attrs):
        self.choices = [("", ANY), *self.choices_function()]
        return super().get_context(name, value, attrs)


class SearchFilterSet(django_filters.FilterSet):
    """Shared by the catalogs: free-text search and the sort orders of their
    ``sort`` (a SortFilter)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search"}),
        # Refused by the form (PostgreSQL cannot compare text holding it): the
        # catalog then shows this under the box and ignores the search.
        error_messages={
            "null_characters_not_allowed": _(
                "The search text contains a null character (U+0000), which "
                "cannot be searched for. Remove it and search again."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.annotate(self.queryset)
        if "country" in self.filters:
            self.filters["country"].extra["choices"] = public_country_choices

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def annotate(self, queryset):
        """What the filters and sort orders need, bound or not."""
        return queryset

    def accepted(self, name: str):
        """The value of parameter ``name`` as its filter cleaned it; None
        when it is absent or refused (the catalog ignores a refused one)."""
        form = self.form
        if not form.is_bound:
            return None
        form.is_valid()  # cleans: cleaned_data holds the values accepted
        return form.cleaned_data.get(name)

    def searching(self) -> bool:
        return bool(full_text.build_query(self.accepted("q") or ""))

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_sort_shown", False):
            # The "Sort by" control shows the order applied, not the first
            # choice: "Relevance" for a search without a chosen order, the
            # default for a relevance without a search or an unknown value
            # (whose error still shows: the form has cleaned what was sent,
            # and only what the control shows changes).
            self._sort_shown = True
            applied = self.sort_applied()
            if form.is_bound and form.data.get("sort") != applied:
                form.data = form.data.copy()
                form.data["sort"] = applied
            elif not form.is_bound:
                form.initial["sort"] = applied
        return form

    def sort_given(self) -> str | None:
        """The order that ``sort`` names, None without one (or with one the
        SortFilter refused)."""
        orders = self.accepted("sort")
        return orders[0] if orders else None

    def sort_key(self) -> str:
        """The order asked for: ``sort``, else relevance for a search, else
        the default."""
        if given := self.sort_given():
            return given
        return RELEVANCE if self.searching() else self.filters["sort"].default

    def sort_applied(self) -> str:
        """The order the result is in: ``sort_key``, except that a relevance
        without a search is the default order."""
        sort = self.sort_key()
        if sort == RELEVANCE and not self.searching():
            return self.filters["sort"].default
        return sort

    def ordering(self) -> tuple[str, ...]:
        return self.filters["sort"].columns(self.sort_applied())

    @property
    def qs(self):
        return super().qs.order_by(*self.ordering())

    def parts(self, queryset) -> list:
        """The querysets a sort order reads one after another (see
        ``paginators.OrderedParts``); one, already ordered, unless a subclass
        splits an order that no index serves."""
        return [queryset]

    def pages(self) -> OrderedParts:
        """What the catalog pages through: the result in its sort order; for
        a search by relevance, its SEARCH_CANDIDATES latest matches ranked."""
        queryset = self.qs
        if self.sort_key() == RELEVANCE and self.searching():
            latest = queryset.order_by(*self.LATEST)[:SEARCH_CANDIDATES]
            ranked = queryset.filter(pk__in=latest.values("pk"))
            return OrderedParts(queryset, [ranked], limit=SEARCH_CANDIDATES)
        return OrderedParts(queryset, self.parts(queryset))


class ExchangeFilter(SearchFilterSet):
    LATEST = ("-starts_on", "-pk")

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ANY, choices=Exchange.Kind.choices
    )
    field = django_filters.CharFilter(
        label=_("Field of education"),
        method="filter_field",
        widget=ChoiceSelect(field_choices),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=ANY, method="filter_country", choices=[]
    )
    institution = django_filters.CharFilter(
        label=_("Institution"),
        method="filter_institution",
        help_text=_("Type part of a name; suggestions appear as you type."),
        widget=forms.TextInput(
            attrs={
                "list": "institution-suggestions",
                "autocomplete": "off",
                "data-suggest": "institution",
            }
        ),
    )
    # "upcoming" (planned or open for applications) is where the site's
    # "upcoming exchanges" figures link: ExchangeQuerySet.upcoming.
    UPCOMING = "upcoming"
    state = django_filters.ChoiceFilter(
        label=_("State"),
        empty_label=ANY,
        method="filter_state",
        choices=[
            *(c for c in Exchange.State.choices if c[0] != "cancelled"),
            (UPCOMING, _("upcoming (planned or open for applications)")),
        ],
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode"), empty_label=ANY, choices=Exchange.Mode.choices
    )
    starts_from = django_filters.DateFilter(
        label=_("Starting from"),
        field_name="starts_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_until = django_filters.DateFilter(
        label=_("Starting until"),
        field_name="starts_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    open = django_filters.BooleanFilter(
        label=_("Open for applications only"),
        method="filter_open",
        widget=forms.CheckboxInput,
    )
    sort = SortFilter(
        {
            "upcoming": ("finished", "starts_on", "pk"),
            "newest": ("-starts_on", "-pk"),
            "title": ("title", "pk"),
        },
        {
            "upcoming": _("Upcoming first"),
            "newest": _("Latest start first"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = Exchange
        fields = []

    # The filters below read columns that the database keeps on each exchange
    # (see Exchange.countries): one GIN index each, no join.

    def filter_field(self, queryset, name, value):
        # A broad or narrow field finds everything under it.
        return queryset.filter(field_codes__contains=[value.strip()[:4]])

    def filter_country(self, queryset, name, value):
        return queryset.filter(countries__contains=[value])

    def filter_institution(self, queryset, name, value):
        """By an institution's slug (the links of the site), else by what was
        typed: the public institutions of that exact name in any language,
        else those whose names contain its words (the first
        INSTITUTIONS_MATCHED of them)."""
        institutions = Institution.objects.public().matching_name(value)
        ids = list(institutions.values_list("pk", flat=True)[:INSTITUTIONS_MATCHED])
        return queryset.filter(institutions__overlap=ids) if ids else queryset.none()

    def filter_state(self, queryset, name, value):
        if value == self.UPCOMING:
            return queryset.upcoming()
        return queryset.filter(state=value)

    def filter_open(self, queryset, name, value):
        return queryset.filter(state=Exchange.State.OPEN) if value else queryset

    def parts(self, queryset) -> list:
        if self.sort_applied() == "upcoming":
            return queryset.upcoming_parts()
        return [queryset]

    def annotate(self, queryset):
        return queryset.with_state().annotate(
            finished=Case(
                When(
                    state__in=[Exchange.State.COMPLETED, Exchange.State.CANCELLED],
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )


class InstitutionFilter(SearchFilterSet):
    LATEST = ("-pk",)

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ANY, choices=Institution.Kind.choices
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=ANY, choices=[]
    )
    sort = SortFilter(
        {"name": ("name", "pk"), "country": ("country", "name", "pk")},
        {"name": _("Name"), "country": _("Country")},
    )

    class Meta:
        model = Institution
        fields = []


class AgreementFilter(SearchFilterSet):
    LATEST = ("-signed_on", "-pk")

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ANY, choices=Agreement.Kind.choices
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        empty_label=ANY,
        method="filter_state",
        choices=[
            (value, label)
            for value, label in Agreement.State.choices
            if value not in ("draft", "negotiation")
        ],
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=ANY, method="filter_country", choices=[]
    )
    sort = SortFilter(
        {
            "newest": ("-signed_on", "-pk"),
            "expiry": ("expires_on", "pk"),
            "title": ("title", "pk"),
        },
        {
            "newest": _("Newest first"),
            "expiry": _("Expiring first"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = Agreement
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(
            pk__in=Agreement.objects.filter(parties__institution__country=value)
        )

    def annotate(self, queryset):
        return queryset.with_state()
