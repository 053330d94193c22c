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

from . import search as full_text
from .caching import cached_public
from .models import Agreement, Exchange, FieldOfEducation, Institution
from .paginators import OrderedParts

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


def sort_filter(labels: dict) -> django_filters.ChoiceFilter:
    """The sort order choice; only these keys are ever used to order."""
    return django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_nothing",
        choices=list(labels.items()),
        empty_label=None,
    )


class ChoiceSelect(forms.Select):
    """A select whose choices are computed when it renders (per language)."""

    def __init__(self, choices_function, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices_function = choices_function

    def get_context(self, name, value, attrs):
        self.choices = [("", ANY), *self.choices_function()]
        return super().get_context(name, value, attrs)


class SearchFilterSet(django_filters.FilterSet):
    """Shared by the catalogs: free-text search and a whitelist of sort orders."""

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
    SORTS: dict[str, tuple[str, ...]] = {}

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

    def filter_nothing(self, queryset, name, value):
        return queryset  # the sort order is applied in qs

    def searching(self) -> bool:
        return bool(
            self.is_valid()
            and full_text.build_query(self.form.cleaned_data.get("q") or "")
        )

    def sort_key(self) -> str:
        sort = self.data.get("sort") or ""
        if sort in self.SORTS or sort == "relevance":
            return sort
        return "relevance" if self.searching() else next(iter(self.SORTS))

    def ordering(self) -> tuple[str, ...]:
        sort = self.sort_key()
        if sort == "relevance":
            if self.searching():
                return ("-rank", *next(iter(self.SORTS.values())))
            sort = next(iter(self.SORTS))
        return self.SORTS[sort]

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
        if self.sort_key() == "relevance" and self.searching():
            latest = queryset.order_by(*self.LATEST)[:SEARCH_CANDIDATES]
            ranked = queryset.filter(pk__in=latest.values("pk"))
            return OrderedParts(queryset, [ranked], limit=SEARCH_CANDIDATES)
        return OrderedParts(queryset, self.parts(queryset))


class ExchangeFilter(SearchFilterSet):
    SORTS = {
        "upcoming": ("finished", "starts_on", "pk"),
        "newest": ("-starts_on", "-pk"),
        "title": ("title", "pk"),
    }
    LATEST = ("-starts_on", "-pk")
    SORT_LABELS = {
        "upcoming": _("Upcoming first"),
        "newest": _("Latest start first"),
        "title": _("Title"),
        "relevance": _("Relevance"),
    }

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
    state = django_filters.ChoiceFilter(
        label=_("State"),
        empty_label=ANY,
        method="filter_state",
        choices=[c for c in Exchange.State.choices if c[0] != "cancelled"],
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
    sort = sort_filter(SORT_LABELS)

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
        return queryset.filter(state=value)

    def filter_open(self, queryset, name, value):
        return queryset.filter(state=Exchange.State.OPEN) if value else queryset

    def parts(self, queryset) -> list:
        if self.sort_key() == "upcoming":
            return queryset.upcoming_parts()
        return [queryset]

    def annotate(self, queryset):
        return queryset.with_state().annotate(
            finished=Case(
                When(state__in=["completed", "cancelled"], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )


class InstitutionFilter(SearchFilterSet):
    SORTS = {"name": ("name", "pk"), "country": ("country", "name", "pk")}
    LATEST = ("-pk",)
    SORT_LABELS = {
        "name": _("Name"),
        "country": _("Country"),
        "relevance": _("Relevance"),
    }

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ANY, choices=Institution.Kind.choices
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=ANY, choices=[]
    )
    sort = sort_filter(SORT_LABELS)

    class Meta:
        model = Institution
        fields = []


class AgreementFilter(SearchFilterSet):
    SORTS = {
        "newest": ("-signed_on", "-pk"),
        "expiry": ("expires_on", "pk"),
        "title": ("title", "pk"),
    }
    LATEST = ("-signed_on", "-pk")
    SORT_LABELS = {
        "newest": _("Newest first"),
        "expiry": _("Expiring first"),
        "title": _("Title"),
        "relevance": _("Relevance"),
    }

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
    sort = sort_filter(SORT_LABELS)

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
