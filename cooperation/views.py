"""Public pages. Every query starts from a model's public() gate."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear, Substr
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django_countries import countries
from django_filters.views import FilterView

from . import scoping, services
from .filters import AgreementFilter, ExchangeFilter, InstitutionFilter
from .forms import InterestForm
from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
)
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
        institutions = Institution.objects.public()
        return super().get_context_data(
            figures={
                "institutions": institutions.count(),
                "countries": institutions.values("country").distinct().count(),
                "agreements": Agreement.objects.public().active_on(today).count(),
                "exchanges": Exchange.objects.public().upcoming(today).count(),
            },
            agreements=Agreement.objects.public()
            .with_state(today)
            .prefetch_related(public_parties())
            .order_by("-signed_on", "pk")[:HOME_ROWS],
            exchanges=Exchange.objects.public()
            .upcoming(today)
            .with_state(today)
            .select_related("host")
            .order_by("starts_on", "pk")[:HOME_ROWS],
            **kwargs,
        )


class CatalogView(FilterView):
    """A filtered, sorted, paginated list; the filters are the URL."""

    paginate_by = 20
    strict = False

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
    queryset = Exchange.objects.public().select_related("host")
    template_name = "cooperation/exchange_list.html"


class InstitutionListView(CatalogView):
    filterset_class = InstitutionFilter
    queryset = Institution.objects.public()
    template_name = "cooperation/institution_list.html"
    paginate_by = 50


class AgreementListView(CatalogView):
    filterset_class = AgreementFilter
    queryset = Agreement.objects.public().prefetch_related(public_parties())
    template_name = "cooperation/agreement_list.html"


class ExchangeDetailView(DetailView):
    queryset = (
        Exchange.objects.public()
        .with_state()
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
        self.object = self.get_object()
        form = InterestForm(request.POST)
        address = request.META.get("REMOTE_ADDR", "")
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
            )
            return redirect(self.object.get_absolute_url() + "#interest")
        return self.render_to_response(self.get_context_data(form=form))


class InstitutionDetailView(DetailView):
    queryset = Institution.objects.public().select_related("parent", "successor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        exchanges = Exchange.objects.public().with_state().select_related("host")
        context.update(
            parent=visible(institution.parent),
            successor=visible(institution.successor),
            units=Institution.objects.public().filter(parent=institution),
            hosted=exchanges.filter(host=institution).order_by("-starts_on"),
            partnered=exchanges.filter(partners=institution).order_by("-starts_on"),
            agreements=Agreement.objects.public()
            .with_state()
            .filter(parties__institution=institution)
            .order_by("-signed_on"),
            jsonld=institution_jsonld(self.request, institution),
        )
        return context


class AgreementDetailView(DetailView):
    queryset = (
        Agreement.objects.public()
        .with_state()
        .prefetch_related(public_parties(), "fields", "exchange_kinds")
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        public = Agreement.objects.public()
        earlier = public.filter(pk__in=[a.pk for a in agreement.lineage_chain])
        context.update(
            documents=AgreementDocument.objects.public().filter(agreement=agreement),
            exchanges=Exchange.objects.public()
            .with_state()
            .filter(agreement=agreement)
            .select_related("host")
            .order_by("-starts_on"),
            earlier=sorted(earlier, key=lambda a: a.signed_on),
            later=public.filter(predecessor=agreement).order_by("signed_on"),
        )
        return context


class InstitutionMapView(TemplateView):
    """Institutions on a map, and the same institutions as a list."""

    template_name = "cooperation/institution_map.html"

    def get_context_data(self, **kwargs):
        institutions = Institution.objects.public().order_by("country", "name")
        located = institutions.filter(latitude__isnull=False)
        markers = [
            {
                "name": institution.name,
                "url": institution.get_absolute_url(),
                "lat": float(institution.latitude),
                "lon": float(institution.longitude),
                "place": ", ".join(
                    part
                    for part in (institution.city, institution.country.name)
                    if part
                ),
            }
            for institution in located
        ]
        return super().get_context_data(
            institutions=institutions, markers=markers, **kwargs
        )


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
        return super().get_context_data(charts=charts, **kwargs)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def document_file(request, name: str):
    """A document by its stored file name (the URL its storage gives, as in
    the admin), with the same permission check as ``document_download``."""
    document = get_object_or_404(AgreementDocument, file=name)
    return document_download(request, pk=document.pk)


def document_download(request, pk: int):
    """A public document to anyone; any document to staff allowed to view it
    (of their institutions' agreements, for staff tied to institutions).
    Not a media URL, so that staff-only files cannot be guessed."""
    documents = AgreementDocument.objects.all()
    if request.user.has_perm("cooperation.view_agreementdocument"):
        documents = scoping.scope_for(request.user, documents) | documents.public()
    else:
        documents = documents.public()
    document = get_object_or_404(documents, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{document.agreement.slug}-{document.pk}.pdf",
    )
