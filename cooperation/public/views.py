"""Public pages. Every query starts from a model's public() gate."""

import gzip
import hashlib
import json
import re

from django.conf import settings
from django.contrib import messages
from django.db.models import CharField, Count, Prefetch, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf, Substr
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.text import compress_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django_countries import countries
from django_filters.views import FilterView
from modeltranslation.utils import build_localized_fieldname

from .. import health, languages, permissions, services
from ..caching import cached_public
from ..logs import DATABASE_UNAVAILABLE
from ..models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
)
from ..paginators import CatalogPaginator
from ..security import client_address
from ..storage import stored_file_response
from . import embed
from .filters import AgreementFilter, ExchangeFilter, InstitutionFilter
from .forms import InterestForm
from .structured_data import exchange_jsonld, institution_jsonld

HOME_ROWS = 6


def visible(record):
    """``record`` if the public may see it, else None (one query)."""
    if record is None:
        return None
    return (
        record if type(record).objects.public().filter(pk=record.pk).exists() else None
    )


def public_parties():
    """Parties whose institution is public, in their order (for prefetching)."""
    return Prefetch(
        "parties",
        queryset=AgreementParty.objects.filter(
            institution__in=Institution.objects.public()
        ).select_related("institution"),
    )


class HomeView(TemplateView):
    template_name = "cooperation/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()

        def figures():
            institutions = Institution.objects.public()
            return {
                "institutions": institutions.count(),
                "countries": institutions.values("country").distinct().count(),
                "agreements": Agreement.objects.public().active_on(today).count(),
                "exchanges": Exchange.objects.public().upcoming(today).count(),
            }

        return super().get_context_data(
            # Four counts over whole tables: cached (see caching.py).
            figures=cached_public(f"home-figures:{today}", figures),
            # The figure counts what this link lists (ExchangeQuerySet.upcoming).
            upcoming_url=f"{reverse('exchange-list')}?state={ExchangeFilter.UPCOMING}",
            agreements=Agreement.objects.public()
            .with_state(today)
            .lean()
            .prefetch_related(public_parties())
            .order_by("-signed_on", "-pk")[:HOME_ROWS],
            exchanges=Exchange.objects.listed()
            .upcoming(today)
            .with_state(today)
            .order_by("starts_on", "pk")[:HOME_ROWS],
            **kwargs,
        )


class CatalogView(FilterView):
    """A filtered, sorted, paginated list; the filters are the URL. Pages
    read the result in index order and count it exactly only when it is
    small (see paginators.CatalogPaginator)."""

    paginate_by = 20
    paginator_class = CatalogPaginator
    strict = False

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(self.filterset.pages(), page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        return context


class ExchangeListView(CatalogView):
    filterset_class = ExchangeFilter
    queryset = Exchange.objects.listed()
    template_name = "cooperation/exchange_list.html"


class InstitutionListView(CatalogView):
    filterset_class = InstitutionFilter
    queryset = Institution.objects.public().lean()
    template_name = "cooperation/institution_list.html"
    paginate_by = 50


class AgreementListView(CatalogView):
    filterset_class = AgreementFilter
    queryset = Agreement.objects.public().lean().prefetch_related(public_parties())
    template_name = "cooperation/agreement_list.html"


SUGGESTIONS = 10
# Lists on a detail page show this many, the latest: a national registry's
# institution may have hosted thousands of exchanges.
DETAIL_ROWS = 20


def latest(queryset) -> tuple[list, bool]:
    """The first DETAIL_ROWS of ``queryset``, and whether there are more
    (one query)."""
    rows = list(queryset[: DETAIL_ROWS + 1])
    return rows[:DETAIL_ROWS], len(rows) > DETAIL_ROWS


def institution_suggestions(request):
    """Type-ahead for the catalogs' institution filter: public institutions
    whose names start with the words typed, in the language of the URL."""
    found = Institution.objects.public().suggestions(
        request.GET.get("q", ""), size=SUGGESTIONS
    )
    results = [
        {
            "name": row["name"],
            "place": ", ".join(
                part for part in (row["city"], countries.name(row["country"])) if part
            ),
            "slug": row["slug"],
        }
        for row in found
    ]
    response = JsonResponse({"results": results})
    patch_cache_control(response, public=True, max_age=300)
    return response


class ExchangeDetailView(DetailView):
    def get_queryset(self):
        # Made for each request: the state depends on the day.
        return (
            Exchange.objects.public()
            .with_interest_allowed()
            .select_related("host", "agreement")
            .prefetch_related(
                Prefetch("partners", queryset=Institution.objects.public()),
                "fields",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exchange = self.object
        context["agreement"] = visible(exchange.agreement)
        context.setdefault("form", InterestForm())
        context["jsonld"] = exchange_jsonld(self.request, exchange)
        return context

    def post(self, request, *args, **kwargs):
        try:
            response = self.register_interest(request)
            if isinstance(response, TemplateResponse):
                # Rendered here: a failure while rendering keeps the text too.
                response.render()
            return response
        except DATABASE_UNAVAILABLE as error:
            # The visitor's text is not lost: the form comes back filled in.
            return health.interest_unsaved(request, InterestForm, error)

    def register_interest(self, request):
        self.object = self.get_object()
        if not self.object.interest_allowed:
            # The form is not shown; a POST sent anyway saves nothing and is
            # told why, in the form's place.
            context = self.get_context_data(interest_refused=True)
            return self.render_to_response(context, status=409)
        form = InterestForm(request.POST)
        address = client_address(request)
        if form.is_valid() and services.interest_rate_exceeded(
            email=form.cleaned_data["email"], client_address=address
        ):
            form.add_error(
                None,
                _(
                    "You have sent several registrations in a short time. Please "
                    "try again in an hour."
                ),
            )
        if form.is_valid():
            services.interest_register(
                exchange=self.object, form=form, client_address=address
            )
            messages.success(
                request,
                _(
                    "Thank you: your interest has been registered and passed on "
                    "to the organisers, who will contact you."
                ),
                # Shown in the form's section, where the redirect lands.
                extra_tags="interest",
            )
            return redirect(self.object.get_absolute_url() + "#interest")
        return self.render_to_response(self.get_context_data(form=form))


class InstitutionDetailView(DetailView):
    queryset = Institution.objects.public().select_related("parent", "successor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        exchanges = Exchange.objects.listed().with_state()
        hosted, more_hosted = latest(
            exchanges.filter(host=institution).order_by("-starts_on", "-pk")
        )
        partnered, more_partnered = latest(
            exchanges.filter(partners=institution).order_by("-starts_on", "-pk")
        )
        agreements, more_agreements = latest(
            Agreement.objects.public()
            .lean()
            .with_state()
            .filter(parties__institution=institution)
            .order_by("-signed_on", "-pk")
        )
        units, more_units = latest(
            Institution.objects.public().lean().filter(parent=institution)
        )
        context.update(
            parent=visible(institution.parent),
            successor=visible(institution.successor),
            units=units,
            hosted=hosted,
            partnered=partnered,
            agreements=agreements,
            more=more_hosted or more_partnered or more_agreements or more_units,
            detail_rows=DETAIL_ROWS,
            jsonld=institution_jsonld(self.request, institution),
            embed_snippet=embed.snippet(self.request, institution),
        )
        return context


class AgreementDetailView(DetailView):
    def get_queryset(self):
        # Made for each request: the state depends on the day.
        return (
            Agreement.objects.public()
            .with_state()
            .prefetch_related(public_parties(), "fields", "exchange_kinds")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        public = Agreement.objects.public()
        earlier = public.filter(pk__in=[a.pk for a in agreement.lineage_chain])
        exchanges, more = latest(
            Exchange.objects.listed()
            .with_state()
            .filter(agreement=agreement)
            .order_by("-starts_on", "-pk")
        )
        context.update(
            documents=AgreementDocument.objects.public().filter(agreement=agreement),
            exchanges=exchanges,
            more=more,
            detail_rows=DETAIL_ROWS,
            earlier=sorted(earlier, key=lambda a: a.signed_on),
            later=public.filter(predecessor=agreement).order_by("signed_on"),
        )
        return context


class InstitutionMapView(TemplateView):
    """The map of public institutions, whose markers its script fetches from
    ``institution_map_geojson``; and, for every reader, how many institutions
    each country has, linking to the directory. The page does not grow with
    the number of institutions."""

    template_name = "cooperation/institution_map.html"

    def get_context_data(self, **kwargs):
        def compute():
            rows = (
                Institution.objects.public()
                .order_by()
                .values("country")
                .annotate(count=Count("pk"))
            )
            return sorted(
                (
                    {
                        "code": row["country"],
                        "name": countries.name(row["country"]),
                        "count": row["count"],
                    }
                    for row in rows
                ),
                key=lambda row: row["name"],
            )

        # One GROUP BY (a row per country) per version of the public data.
        by_country = cached_public(
            "institution-map:countries", compute, per_language=True
        )
        return super().get_context_data(
            countries=by_country,
            total=sum(row["count"] for row in by_country),
            **kwargs,
        )


def institution_map_features() -> list[dict]:
    """GeoJSON features of the public institutions that have coordinates,
    named in the active language (one query)."""
    # modeltranslation's fallback for values() costs more than the query at
    # 100,000 rows; the database falls back to English just as well.
    name = Coalesce(
        NullIf(build_localized_fieldname("name", get_language()), Value("")),
        NullIf(languages.column("name", languages.SOURCE), Value("")),
        "name",
        output_field=CharField(),
    )
    rows = (
        Institution.objects.rewrite(False)
        .public()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .annotate(label=name)
        .values_list("label", "slug", "city", "country", "latitude", "longitude")
    )
    # Reversing an address per institution would also cost more than the query.
    prefix, suffix = reverse("institution-detail", kwargs={"slug": "slug"}).rsplit(
        "slug", 1
    )
    country_names = {}
    features = []
    for label, slug, city, country, latitude, longitude in rows:
        if country not in country_names:
            country_names[country] = countries.name(country)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(longitude), float(latitude)],
                },
                "properties": {
                    "name": label,
                    "url": f"{prefix}{slug}{suffix}",
                    "place": ", ".join(
                        part for part in (city, country_names[country]) if part
                    ),
                },
            }
        )
    return features


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def institution_map_geojson(request):
    """The map's markers as a GeoJSON FeatureCollection in the language of
    the URL, built once per version of the public data and cached
    compressed (18 MB of JSON are 2 MB at 90,000 institutions). Browsers
    ask each time whether their copy is current, and get a 304 if it is: an
    edit shows at once. No query when cached."""

    def build() -> tuple[str, bytes]:
        collection = {
            "type": "FeatureCollection",
            "features": institution_map_features(),
        }
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        compressed = compress_string(text.encode())
        # Weak: the same markers are sent compressed or not.
        return f'W/"{hashlib.sha256(compressed).hexdigest()}"', compressed

    etag, compressed = cached_public(
        "institution-map:geojson", build, per_language=True
    )
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(content_type="application/geo+json")
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response.content = compressed
            response["Content-Encoding"] = "gzip"
        else:
            response.content = gzip.decompress(compressed)
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, no_cache=True)
    return response


CHART_ROW_HEIGHT = 28  # SVG units per bar
CHART_BAR_SPACE = 330  # SVG units for the longest bar


def chart_rows(pairs) -> list[dict]:
    """(label, count) pairs -> rows with their bar's position and length."""
    pairs = list(pairs)
    largest = max((count for _label, count in pairs), default=0) or 1
    return [
        {
            "label": label,
            "count": count,
            "y": index * CHART_ROW_HEIGHT,
            "width": round(CHART_BAR_SPACE * count / largest, 1),
        }
        for index, (label, count) in enumerate(pairs)
    ]


class StatisticsView(TemplateView):
    """Exchanges per year, kind, country pair and field: charts and tables."""

    template_name = "cooperation/statistics.html"

    def get_context_data(self, **kwargs):
        # Aggregates over every exchange: cached (see caching.py).
        charts = cached_public("statistics", self.charts, per_language=True)
        return super().get_context_data(charts=charts, **kwargs)

    def charts(self) -> list[dict]:
        exchanges = Exchange.objects.public()
        per_year = (
            exchanges.annotate(year=ExtractYear("starts_on"))
            .values("year")
            .annotate(n=Count("pk"))
            .order_by("year")
        )
        kinds = dict(Exchange.Kind.choices)
        per_kind = exchanges.values("kind").annotate(n=Count("pk")).order_by("-n")
        pairs = (
            exchanges.filter(partners__in=Institution.objects.public())
            .values("host__country", "partners__country")
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", "host__country", "partners__country")[:20]
        )
        broad = {
            field.code: field.name
            for field in FieldOfEducation.objects.filter(level="broad")
        }
        per_field = (
            exchanges.filter(fields__isnull=False)
            .annotate(broad=Substr("fields__code", 1, 2))
            .values("broad")
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", "broad")
        )
        charts = [
            {
                "id": "per-year",
                "title": _("Exchanges per year"),
                "label": _("Year"),
                "rows": chart_rows((row["year"], row["n"]) for row in per_year),
            },
            {
                "id": "per-kind",
                "title": _("Exchanges per kind"),
                "label": _("Kind"),
                "rows": chart_rows((kinds[row["kind"]], row["n"]) for row in per_kind),
            },
            {
                "id": "per-country-pair",
                "title": _("Exchanges per pair of countries (host → partner)"),
                "label": _("Countries"),
                "rows": chart_rows(
                    (
                        f"{countries.name(row['host__country'])} → "
                        f"{countries.name(row['partners__country'])}",
                        row["n"],
                    )
                    for row in pairs
                ),
            },
            {
                "id": "per-field",
                "title": _("Exchanges per broad field of education"),
                "label": _("Field of education"),
                "rows": chart_rows(
                    (broad.get(row["broad"], row["broad"]), row["n"])
                    for row in per_field
                ),
            },
        ]
        for chart in charts:
            chart["height"] = len(chart["rows"]) * CHART_ROW_HEIGHT
            chart["title"], chart["label"] = str(chart["title"]), str(chart["label"])
            for row in chart["rows"]:
                row["label"] = str(row["label"])
        return charts


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def document_file(request, name: str):
    """A document by its stored file name (the URL its storage gives, as in
    the admin), with the same permission check as ``document_download``."""
    if "\x00" in name:
        # No stored name has one, and PostgreSQL refuses to compare with it.
        raise Http404("No document has this name.")
    document = get_object_or_404(AgreementDocument, file=name)
    return document_download(request, pk=document.pk)


def document_download(request, pk: int):
    """A public document to anyone; any document to staff allowed to view it
    (of their institutions' agreements, for staff tied to institutions).
    Not a media URL, so that staff-only files cannot be guessed."""
    documents = AgreementDocument.objects.all()
    if request.user.has_perm("cooperation.view_agreementdocument"):
        documents = permissions.scope_for(request.user, documents) | documents.public()
    else:
        documents = documents.public()
    document = get_object_or_404(documents, pk=pk)
    # A download, not a page of this site: whatever a PDF holds runs, if at
    # all, in the reader's own viewer, never in the site's origin. Streamed
    # from wherever the storage keeps it (a folder, or a bucket every server
    # shares: storage.py).
    try:
        return stored_file_response(
            document.file.storage,
            document.file.name,
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{document.agreement.slug}-{document.pk}.pdf",
        )
    except FileNotFoundError as error:
        raise Http404("This document's file is missing from the storage.") from error


class OpenDataView(TemplateView):
    """The "Open data" page: the API, the feeds, the CSV and the licence."""

    template_name = "cooperation/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            licence_name=settings.DATA_LICENCE_NAME,
            licence_url=settings.DATA_LICENCE_URL,
            **kwargs,
        )
