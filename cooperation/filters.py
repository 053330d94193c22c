"""One FilterSet per public catalog (shared later by the JSON API)."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Agreement, Exchange, FieldOfEducation, Institution

ANY = _("Any")


def country_choices(codes) -> list[tuple[str, str]]:
    """(code, name) for the given ISO codes, sorted by name in the active
    language."""
    return sorted(
        ((code, countries.name(code)) for code in set(codes) if code),
        key=lambda choice: choice[1],
    )


def sort_filter(labels: dict) -> django_filters.ChoiceFilter:
    """The sort order choice; only these keys are ever used to order."""
    return django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_nothing",
        choices=list(labels.items()),
        empty_label=None,
    )


class SearchFilterSet(django_filters.FilterSet):
    """Shared by the catalogs: free-text search and a whitelist of sort orders."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    SORTS: dict[str, tuple[str, ...]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.annotate(self.queryset)
        if "country" in self.filters:
            # Only countries that have public institutions (one query).
            self.filters["country"].extra["choices"] = country_choices(
                Institution.objects.public()
                .values_list("country", flat=True)
                .distinct()
            )

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def annotate(self, queryset):
        """What the filters and sort orders need, bound or not."""
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # the sort order is applied in qs

    def sort_key(self) -> str:
        sort = self.data.get("sort") or ""
        if sort in self.SORTS or sort == "relevance":
            return sort
        return "relevance" if self.data.get("q", "").strip() else next(iter(self.SORTS))

    @property
    def qs(self):
        queryset = super().qs
        sort = self.sort_key()
        if sort == "relevance":
            if self.data.get("q", "").strip():
                return queryset.order_by("-rank", *next(iter(self.SORTS.values())))
            sort = next(iter(self.SORTS))
        return queryset.order_by(*self.SORTS[sort])


class ExchangeFilter(SearchFilterSet):
    SORTS = {
        "upcoming": ("finished", "starts_on", "pk"),
        "newest": ("-starts_on", "pk"),
        "title": ("title", "pk"),
    }
    SORT_LABELS = {
        "upcoming": _("Upcoming first"),
        "newest": _("Latest start first"),
        "title": _("Title"),
        "relevance": _("Relevance"),
    }

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ANY, choices=Exchange.Kind.choices
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Field of education"),
        empty_label=ANY,
        queryset=FieldOfEducation.objects.all(),
        to_field_name="code",
        method="filter_field",
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=ANY, method="filter_country", choices=[]
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        empty_label=ANY,
        queryset=Institution.objects.public(),
        to_field_name="slug",
        method="filter_institution",
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

    def filter_field(self, queryset, name, value):
        # A broad or narrow field finds everything under it.
        under = FieldOfEducation.objects.under(value.code)
        return queryset.filter(pk__in=Exchange.objects.filter(fields__in=under))

    def filter_country(self, queryset, name, value):
        return queryset.filter(
            Q(host__country=value)
            | Q(pk__in=Exchange.objects.filter(partners__country=value))
        )

    def filter_institution(self, queryset, name, value):
        return queryset.filter(
            Q(host=value) | Q(pk__in=Exchange.objects.filter(partners=value))
        )

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value)

    def filter_open(self, queryset, name, value):
        return queryset.filter(state=Exchange.State.OPEN) if value else queryset

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
        "newest": ("-signed_on", "pk"),
        "expiry": ("expires_on", "pk"),
        "title": ("title", "pk"),
    }
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
