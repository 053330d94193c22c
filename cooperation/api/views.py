"""The API's endpoints and the "Open data" page.

Every endpoint answers GET (and HEAD, OPTIONS) only, to anyone, as JSON:

- through the models' ``public()`` gates, as the pages do; related records
  only when public too (partners, parties, parents, predecessors, documents);
- filtered, searched and sorted by the catalogs' own FilterSets;
- in pages with cursors (``pagination``), counted as the catalogs count;
- limited per client address (``throttling``);
- with an ``ETag`` and ``Last-Modified`` made without a query (from the
  public data's version, ``caching.public_version``), so that a client
  asking again with ``If-None-Match`` gets a 304 before any query;
- with ``Access-Control-Allow-Origin: *`` on GET, HEAD and OPTIONS (public
  data that any website may read), nothing for other methods.
"""

import datetime
import hashlib
import json
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..caching import PUBLIC_TIMEOUT, public_version_with, with_version
from ..models import (
    Agreement,
    AgreementDocument,
    Exchange,
    FieldOfEducation,
    Institution,
)
from ..paginators import OrderedParts
from ..public.filters import AgreementFilter, ExchangeFilter, InstitutionFilter
from ..public.views import public_parties
from . import schema
from .errors import BadParameters, choices_fix, parameter_error
from .filtering import CatalogFilterBackend
from .pagination import CatalogCursorPagination
from .serializers import (
    LANGUAGE_CODES,
    AgreementListSerializer,
    AgreementSerializer,
    ExchangeListSerializer,
    ExchangeSerializer,
    FieldOfEducationSerializer,
    InstitutionListSerializer,
    InstitutionSerializer,
    Links,
)
from .throttling import ClientAddressThrottle

#: What a slug or a field code in an address may hold; anything else is a
#: 404 at once (and never reaches PostgreSQL, which refuses a NUL).
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
CODE = re.compile(r"[0-9]{2,4}")
#: Headers a browser's script on another website may read.
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Content-Language"


def read_language(request) -> str | None:
    """``?lang=``'s language, None without it (or empty, as an empty filter
    is no filter); a 400 for another value."""
    language = request.query_params.get("lang")
    if not language:
        return None
    if language in LANGUAGE_CODES:
        return language
    raise BadParameters(
        [
            parameter_error(
                "lang",
                language,
                _("“%(value)s” is not a language of the registry.")
                % {"value": language},
                choices_fix("lang", LANGUAGE_CODES),
            )
        ]
    )


class PublicApiMixin:
    """Anyone may read, nobody may write; per-address throttle; JSON only;
    ``?lang=``; CORS for reading."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressThrottle]
    parser_classes = []

    def initial(self, request, *args, **kwargs):
        self.language = read_language(request)
        # The API's language is the one asked for, else English: never the
        # browser's Accept-Language, so that an address gives one answer.
        translation.activate(self.language or settings.LANGUAGE_CODE)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            if request.method == "OPTIONS":
                response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response["Access-Control-Allow-Headers"] = (
                    "Accept, Accept-Language, If-None-Match, If-Modified-Since"
                )
                response["Access-Control-Max-Age"] = "86400"
        return response


def answer_key(window: float, today: datetime.date, address: str) -> str:
    """Where the answer to ``address`` is kept during this window and day
    (``PublicApiView.cached_answer``), with the version it was made for."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"api:answer:{window}:{today}:{digest}"


@dataclass
class Validators:
    """What ``validators`` found for a request."""

    etag: str
    last_modified: float
    version: int
    key: str  # the kept answer's (answer_key)
    kept: tuple[bytes, str] | None  # its content and Content-Type, if kept


@dataclass
class Place:
    """Where the answer to a request is kept (``answer_key``), from what its
    ETag is made (with the version), and which keys to read for it."""

    window: float
    today: datetime.date
    address: str
    key: str

    @classmethod
    def of(cls, request) -> "Place":
        now = time.time()
        window = now - now % PUBLIC_TIMEOUT
        today = timezone.localdate()
        address = request.build_absolute_uri()
        return cls(window, today, address, answer_key(window, today, address))

    def keys(self) -> list[str]:
        """The kept answer's key, if answers are kept."""
        return [self.key] if settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else []


def validators(
    request, place: Place | None = None, read: dict | None = None
) -> Validators:
    """The ETag and the Last-Modified time of the answer to ``request``, from
    the public data's version, and the answer's rendered bytes when they are
    kept in the cache for this version: the version and the kept answer are
    read in one cache operation (or were, with the throttle's count: ``read``,
    of ``with_version(place.keys())``), and nothing else is needed then (no
    query). Both validators also move every PUBLIC_TIMEOUT seconds and every
    day: states follow the calendar, and writes that bypass the ORM do not
    move the version (caching.py)."""
    if place is None:
        place = Place.of(request)
    window, today, address, key = place.window, place.today, place.address, place.key
    version, found = public_version_with(place.keys(), read)
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        _, etag, last_modified, content, content_type = kept
        return Validators(etag, last_modified, version, key, (content, content_type))
    named = f"{version}:{window}:{today}:{address}"
    etag = f'W/"{hashlib.sha256(named.encode()).hexdigest()[:32]}"'
    # When this version was first seen (the data changed before then).
    seen_key = f"api:version-seen:{version}"
    seen = cache.get(seen_key)
    if seen is None:
        now = time.time()
        cache.add(seen_key, now, 24 * 60 * 60)
        seen = cache.get(seen_key) or now
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    last_modified = max(seen, window, midnight.timestamp())
    return Validators(etag, last_modified, version, key, None)


class PublicApiView(PublicApiMixin, GenericAPIView):
    """A conditional GET: 304 when the client's ETag is current; else the
    answer, from the cache when someone asked for it since the data changed."""

    renderer_classes = [JSONRenderer]
    #: Set by ``keys_read_with_throttle``, then by the throttle: where the
    #: answer is kept, and what the throttle read for it with its count.
    place: Place | None = None
    read_with_throttle: dict | None = None

    def keys_read_with_throttle(self, request) -> list[str]:
        """What the throttle is to read from the cache with its count (in one
        operation: ``caching.count_and_get_many``), for ``get``: the public
        data's version and the kept answer, for GET and HEAD."""
        if request.method not in ("GET", "HEAD"):
            return []
        self.place = Place.of(request)
        return with_version(self.place.keys())

    def get(self, request, *args, **kwargs):
        found = validators(request, self.place, self.read_with_throttle)
        response = get_conditional_response(
            request, etag=found.etag, last_modified=int(found.last_modified)
        )
        if response is None:
            response = self.cached_answer(found, request, *args, **kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = found.etag
            response["Last-Modified"] = http_date(found.last_modified)
            # Caches may keep it, and ask each time whether it is current
            # (set whole: neither the answer nor the 304 has one).
            response["Cache-Control"] = "public, no-cache"
        return response

    def cached_answer(self, found: Validators, request, *args, **kwargs):
        """The kept answer's bytes (``found.kept``), else ``answer``'s, then
        kept in the cache, rendered, with the version, ETag and Last-Modified
        they were made for, for settings.PUBLIC_PAGE_CACHE_SECONDS (0: not
        kept), as the public pages are (caching.public_page). The ETag names
        all that the answer depends on (the public data's version, the day,
        the address with its query and language), so a kept answer is the
        one ``answer`` would give; a client without the ETag then costs no
        query and no rendering. Refusals (400, 404) are raised, never kept."""
        if found.kept is not None:
            content, content_type = found.kept
            return HttpResponse(content, content_type=content_type)
        response = self.answer(request, *args, **kwargs)
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds > 0 and response.status_code == 200:

            def keep(rendered):
                kept = (
                    found.version,
                    found.etag,
                    found.last_modified,
                    rendered.content,
                    rendered["Content-Type"],
                )
                cache.set(found.key, kept, seconds)

            response.add_post_render_callback(keep)
        return response

    def answer(self, request, *args, **kwargs):
        raise NotImplementedError

    def get_serializer_context(self):
        if not hasattr(self, "language"):  # drf-spectacular's look at the view
            return super().get_serializer_context()
        return {
            **super().get_serializer_context(),
            "language": self.language,
            "links": Links(self.request, self.language),
        }

    def not_found(self, key: str, value: str):
        model = self.get_queryset().model
        return NotFound(
            _("No public %(record)s has the %(key)s “%(value)s”.")
            % {"record": model._meta.verbose_name, "key": key, "value": value}
        )


class CatalogListView(ListModelMixin, PublicApiView):
    """A catalog as pages: its FilterSet's filters, search and sort orders.
    (ListModelMixin tells drf-spectacular that it is a list: its filters and
    pages are described; ``answer`` is what answers.)"""

    filter_backends = [CatalogFilterBackend]
    pagination_class = CatalogCursorPagination
    #: The order without ``sort`` or ``q``: served by the primary key's index.
    default_order = ("pk",)
    default_sort_name = "id"

    def answer(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def ordered_parts(self, queryset) -> tuple[str, OrderedParts]:
        """The sort order's name and what the pages read: the FilterSet's own
        parts for a ``sort`` given or a search (by relevance unless sorted
        otherwise), else ``default_order``."""
        filterset = getattr(self, "filterset", None)
        if filterset is not None and hasattr(filterset, "pages"):
            given = filterset.sort_given()
            searching = filterset.searching()
            if (given and given != "relevance") or searching:
                return filterset.sort_key(), filterset.pages()
        ordered = queryset.order_by(*self.default_order)
        return self.default_sort_name, OrderedParts(ordered, [ordered])


@schema.list_endpoint("exchanges", ExchangeListSerializer, schema.EXCHANGE_EXAMPLE)
class ExchangeListView(CatalogListView):
    """Public exchanges: the exchanges catalog's filters, search and sort
    orders; without ``sort`` or ``q``, by id (the order they were added in)."""

    filterset_class = ExchangeFilter
    serializer_class = ExchangeListSerializer
    parameter_docs = schema.EXCHANGE_PARAMETERS
    parameter_patterns = schema.PARAMETER_PATTERNS

    def get_queryset(self):
        return Exchange.objects.listed()


@schema.list_endpoint(
    "institutions", InstitutionListSerializer, schema.INSTITUTION_EXAMPLE
)
class InstitutionListView(CatalogListView):
    """Public institutions: the institutions directory's filters, search and
    sort orders; without ``sort`` or ``q``, by id."""

    filterset_class = InstitutionFilter
    serializer_class = InstitutionListSerializer
    parameter_docs = schema.INSTITUTION_PARAMETERS
    parameter_patterns = schema.PARAMETER_PATTERNS

    def get_queryset(self):
        return Institution.objects.public().lean()


@schema.list_endpoint("agreements", AgreementListSerializer, schema.AGREEMENT_EXAMPLE)
class AgreementListView(CatalogListView):
    """Public agreements (signed or terminated): the agreements list's
    filters, search and sort orders; without ``sort`` or ``q``, by id."""

    filterset_class = AgreementFilter
    serializer_class = AgreementListSerializer
    parameter_docs = schema.AGREEMENT_PARAMETERS
    parameter_patterns = schema.PARAMETER_PATTERNS

    def get_queryset(self):
        return Agreement.objects.public().lean().prefetch_related(public_parties())


@schema.list_endpoint("fields", FieldOfEducationSerializer, schema.FIELD_EXAMPLE)
class FieldOfEducationListView(CatalogListView):
    """The ISCED-F 2013 fields of education, by code: broad (2 digits),
    narrow (3) and detailed (4)."""

    serializer_class = FieldOfEducationSerializer
    filter_backends = []
    default_order = ("code",)
    default_sort_name = "code"

    def get_queryset(self):
        return FieldOfEducation.objects.public().select_related("parent")


@schema.detail_endpoint(
    "exchanges", ExchangeSerializer, "slug", schema.EXCHANGE_EXAMPLE
)
class ExchangeDetailView(PublicApiView):
    """One public exchange, with its public partners and, when public, its
    agreement."""

    serializer_class = ExchangeSerializer

    def get_queryset(self):
        # Made for each request: the state depends on the day.
        return (
            Exchange.objects.listed()
            .with_state()
            .prefetch_related(
                Prefetch("partners", queryset=Institution.objects.public()),
                "fields",
            )
        )

    def answer(self, request, slug):
        exchange = find(self, slug=slug)
        exchange.public_agreement = public_record(Agreement, exchange.agreement_id)
        return Response(self.get_serializer(exchange).data)


@schema.detail_endpoint(
    "institutions", InstitutionSerializer, "slug", schema.INSTITUTION_EXAMPLE
)
class InstitutionDetailView(PublicApiView):
    """One public institution, with its parent and successor when public."""

    serializer_class = InstitutionSerializer

    def get_queryset(self):
        return Institution.objects.public().lean()

    def answer(self, request, slug):
        institution = find(self, slug=slug)
        related = {
            other.pk: other
            for other in Institution.objects.public()
            .lean()
            .filter(pk__in=[institution.parent_id, institution.successor_id])
        }
        institution.public_parent = related.get(institution.parent_id)
        institution.public_successor = related.get(institution.successor_id)
        return Response(self.get_serializer(institution).data)


#: An agreement lists this many of its exchanges, the latest (as its page).
AGREEMENT_EXCHANGES = 20


@schema.detail_endpoint(
    "agreements", AgreementSerializer, "slug", schema.AGREEMENT_EXAMPLE
)
class AgreementDetailView(PublicApiView):
    """One public agreement: its public parties and documents, its public
    predecessor and successors, its latest public exchanges."""

    serializer_class = AgreementSerializer

    def get_queryset(self):
        # Made for each request: the state depends on the day.
        return (
            Agreement.objects.public()
            .with_state()
            .lean()
            .prefetch_related(public_parties(), "fields", "exchange_kinds")
        )

    def answer(self, request, slug):
        agreement = find(self, slug=slug)
        agreement.public_predecessor = public_record(
            Agreement, agreement.predecessor_id
        )
        agreement.public_successors = (
            Agreement.objects.public()
            .lean()
            .filter(predecessor=agreement)
            .order_by("signed_on", "pk")
        )
        agreement.public_documents = (
            AgreementDocument.objects.public()
            .filter(agreement=agreement)
            .order_by("title", "pk")
        )
        agreement.public_exchange_slugs = (
            Exchange.objects.public()
            .filter(agreement=agreement)
            .order_by("-starts_on", "-pk")
            .values_list("slug", flat=True)[:AGREEMENT_EXCHANGES]
        )
        return Response(self.get_serializer(agreement).data)


@schema.detail_endpoint(
    "fields", FieldOfEducationSerializer, "code", schema.FIELD_EXAMPLE
)
class FieldOfEducationDetailView(PublicApiView):
    """One field of education by its ISCED-F code."""

    serializer_class = FieldOfEducationSerializer

    def get_queryset(self):
        return FieldOfEducation.objects.public().select_related("parent")

    def answer(self, request, code):
        return Response(self.get_serializer(find(self, code=code)).data)


def public_record(model, pk: int | None):
    """The record ``pk`` of ``model`` if the public may see it, else None
    (one query, none without ``pk``)."""
    if pk is None:
        return None
    return model.objects.public().lean().filter(pk=pk).first()


def find(view: PublicApiView, **lookup):
    """The public record of ``lookup`` (a slug or a code) or a 404 naming
    it; a value no record can have is a 404 without a query."""
    ((key, value),) = lookup.items()
    pattern = CODE if key == "code" else SLUG
    record = None
    if pattern.fullmatch(value):
        record = view.get_queryset().filter(**lookup).first()
    if record is None:
        raise view.not_found(key, value)
    return record


@schema.root_endpoint
class ApiRootView(PublicApiView):
    """Where everything is: the lists, the description, the licence."""

    def answer(self, request):
        links = Links(request, self.language)
        query = links.query

        def address(name):
            return links.absolute(reverse(name)) + query

        return Response(
            {
                "exchanges": address("api-exchange-list"),
                "institutions": address("api-institution-list"),
                "agreements": address("api-agreement-list"),
                "fields_of_education": address("api-field-list"),
                "schema": address("api-schema"),
                "documentation": links.absolute(reverse("api-docs")),
                "licence": {
                    "name": settings.DATA_LICENCE_NAME,
                    "url": settings.DATA_LICENCE_URL,
                },
            }
        )


class SchemaView(PublicApiMixin, SpectacularJSONAPIView):
    """The OpenAPI 3.1 description, made once per language and process (it
    depends on the code only), with an ETag of its content."""

    _made: dict[str, tuple[dict, str]] = {}

    def _get_schema_response(self, request):
        language = translation.get_language()
        if language not in self._made:
            data = super()._get_schema_response(request).data
            text = json.dumps(data, sort_keys=True, default=str)
            etag = f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
            self._made[language] = (data, etag)
        data, etag = self._made[language]
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = Response(data)
        response["ETag"] = etag
        patch_cache_control(response, public=True, no_cache=True)
        return response


class DocsView(TemplateView):
    """The API's documentation page: Swagger UI vendored under
    static/vendor/swagger-ui/ (scripts/vendor_static.sh), served as static
    files with the site's own start-up script (no inline code: the site's
    Content-Security-Policy holds)."""

    template_name = "cooperation/api_docs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(schema_url=reverse("api-schema"), **kwargs)
