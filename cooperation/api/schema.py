"""The OpenAPI description's additions: what each parameter means, the
responses besides 200 (304, 400, 404, 406, 429), and an example of each answer.

drf-spectacular makes the rest: the serializers' schemas, and from the
FilterSets (its django-filter extension) every filter parameter with its
type and choices."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

EXAMPLE_SITE = "https://registry.example.org"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=LANGUAGES,
    description="A language: names, titles and texts are then plain strings in "
    "that language (English where a text has no translation), and links to "
    "pages and API records are in that language too. Without it, each "
    "translated text is an object with the four languages.",
)

RESPONSE_HEADERS = [
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="Send it back as If-None-Match: 304 while the answer is the same.",
    ),
    OpenApiParameter(
        "Last-Modified",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="No public record changed after this time.",
    ),
    OpenApiParameter(
        "Access-Control-Allow-Origin",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304, 400, 404, 406, 429],
        description="Always *: any website may read the public data.",
    ),
]
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)

# Parameter explanations (the FilterSets' labels are for the HTML forms) ---------

SEARCH = (
    "Full-text search in the four languages (Chinese too: 上海). Without "
    "sort, results are then by relevance: the 1,000 latest matches, ranked."
)
SORT = (
    "Sort order. Without it: by id (the order records were added in), or by "
    "relevance when q is given."
)
COUNTRY = (
    "ISO 3166-1 alpha-2 code of a country, e.g. CN. Only countries that have "
    "public institutions are accepted (another code is a 400)."
)
EXCHANGE_PARAMETERS = {
    "q": SEARCH + " Searches titles, summaries and the institutions' names.",
    "sort": SORT,
    "kind": "Kind of exchange.",
    "field": "ISCED-F code of a field of education (2, 3 or 4 digits, see "
    "/api/v1/fields/): a broad or narrow field finds the exchanges in every "
    "field under it.",
    "country": COUNTRY + " Finds the exchanges whose host or a partner is there.",
    "institution": "An institution's slug (its url ends with it), or words of "
    "its name in any language: the exchanges it hosts or takes part in.",
    "state": "State on the day of the request (derived from the dates).",
    "mode": "How it takes place.",
    "starts_from": "Starting on or after this day (YYYY-MM-DD).",
    "starts_until": "Starting on or before this day (YYYY-MM-DD).",
    "open": "true: only exchanges open for applications today.",
}
INSTITUTION_PARAMETERS = {
    "q": SEARCH + " Searches names, official names, acronyms, former names, "
    "identifiers and descriptions.",
    "sort": SORT,
    "kind": "Kind of institution.",
    "country": COUNTRY,
}
AGREEMENT_PARAMETERS = {
    "q": SEARCH + " Searches titles, reference numbers and summaries.",
    "sort": SORT,
    "kind": "Kind of agreement.",
    "state": "State on the day of the request (derived from the dates).",
    "country": COUNTRY + " Finds the agreements with a party there.",
}
PARAMETER_PATTERNS = {"country": "^[A-Z]{2}$"}

# Examples ---------------------------------------------------------------------


def translated(en: str, zh: str, nl: str, fr: str) -> dict:
    return dict(zip(LANGUAGES, (en, zh, nl, fr), strict=True))


AP_SLUG = "ap-university-of-applied-sciences-and-arts-antwerp"
AP = {
    "url": f"{EXAMPLE_SITE}/api/v1/institutions/{AP_SLUG}/",
    "slug": AP_SLUG,
    "name": translated(
        "AP University of Applied Sciences and Arts Antwerp",
        "安特卫普AP应用科学与艺术大学",
        "AP Hogeschool Antwerpen",
        "Haute école AP d'Anvers",
    ),
    "country": "BE",
}
SHCM = {
    "url": f"{EXAMPLE_SITE}/api/v1/institutions/shanghai-conservatory-of-music/",
    "slug": "shanghai-conservatory-of-music",
    "name": translated(
        "Shanghai Conservatory of Music",
        "上海音乐学院",
        "Conservatorium van Shanghai",
        "Conservatoire de musique de Shanghai",
    ),
    "country": "CN",
}
MUSIC_FIELD = {
    "url": f"{EXAMPLE_SITE}/api/v1/fields/0215/",
    "code": "0215",
    "name": translated(
        "Music and performing arts",
        "音乐与表演艺术",
        "Muziek en podiumkunsten",
        "Musique et arts du spectacle",
    ),
}
MOU_LINK = {
    "url": f"{EXAMPLE_SITE}/api/v1/agreements/memorandum-on-musical-talent/",
    "slug": "memorandum-on-musical-talent",
    "title": translated(
        "Memorandum of understanding on nurturing musical talent",
        "关于培养音乐人才的谅解备忘录",
        "Memorandum van overeenstemming over muzikaal talent",
        "Protocole d'accord sur la formation des talents musicaux",
    ),
}
UPDATED = "2026-11-20T10:15:00+01:00"

EXCHANGE_EXAMPLE = {
    "url": f"{EXAMPLE_SITE}/api/v1/exchanges/composition-teachers-in-shanghai/",
    "web_url": f"{EXAMPLE_SITE}/en/exchanges/composition-teachers-in-shanghai/",
    "slug": "composition-teachers-in-shanghai",
    "title": translated(
        "Composition teachers in Shanghai",
        "作曲教师赴上海交流",
        "Compositiedocenten in Shanghai",
        "Professeurs de composition à Shanghai",
    ),
    "summary": translated(
        "Two weeks of teaching and joint concerts.",
        "为期两周的教学和联合音乐会。",
        None,
        None,
    ),
    "kind": "teacher",
    "state": "open",
    "mode": "on_site",
    "starts_on": "2027-09-01",
    "ends_on": "2027-09-14",
    "application_deadline": "2027-07-01",
    "city": "Shanghai",
    "country": "CN",
    "host": SHCM,
    "countries": ["BE", "CN"],
    "updated": UPDATED,
    "description": translated(
        "Composition teachers of AP teach at the conservatory.", None, None, None
    ),
    "eligibility": translated("Teachers of composition.", None, None, None),
    "how_to_apply": translated("Write to the international office.", None, None, None),
    "outcomes": translated(None, None, None, None),
    "partners": [AP],
    "fields": [MUSIC_FIELD],
    "places": 4,
    "participants": None,
    "agreement": MOU_LINK,
    "external_url": "",
}
INSTITUTION_EXAMPLE = {
    "url": AP["url"],
    "web_url": f"{EXAMPLE_SITE}/en/institutions/{AP['slug']}/",
    "slug": AP["slug"],
    "name": AP["name"],
    "official_name": "AP Hogeschool Antwerpen",
    "acronym": "AP",
    "kind": "university",
    "level": "applied",
    "country": "BE",
    "region": "Flanders",
    "city": "Antwerp",
    "latitude": 51.2194,
    "longitude": 4.4025,
    "website": "https://www.ap.be/",
    "updated": UPDATED,
    "description": translated(
        "A university of applied sciences and arts in Antwerp.", None, None, None
    ),
    "email": "international@ap.be",
    "erasmus_code": "B  ANTWERP62",
    "year_founded": 1995,
    "parent": None,
    "successor": None,
    "exchanges": f"{EXAMPLE_SITE}/api/v1/exchanges/?institution={AP['slug']}",
}
AGREEMENT_EXAMPLE = {
    **MOU_LINK,
    "web_url": f"{EXAMPLE_SITE}/en/agreements/{MOU_LINK['slug']}/",
    "summary": translated(
        "Teacher and student exchanges, performances and competition training.",
        "教师和学生交流、演出和比赛培训。",
        None,
        None,
    ),
    "kind": "mou",
    "state": "active",
    "reference": "AP-2026-014",
    "signed_on": "2026-01-10",
    "valid_from": "2026-02-01",
    "expires_on": "2031-01-31",
    "parties": [
        {
            "institution": AP,
            "role": "signatory",
            "signatory_name": "",
            "signatory_title": "General Director",
        },
        {
            "institution": SHCM,
            "role": "signatory",
            "signatory_name": "",
            "signatory_title": "President",
        },
    ],
    "updated": UPDATED,
    "signed_at": "Antwerp",
    "signing_mode": "online",
    "renews_automatically": False,
    "exchange_kinds": [{"kind": "teacher", "places_per_year": 4}],
    "fields": [MUSIC_FIELD],
    "predecessor": None,
    "lineage": "",
    "successors": [],
    "documents": [
        {
            "title": "Signed text",
            "kind": "signed",
            "language": "en",
            "url": f"{EXAMPLE_SITE}/documents/12/",
        }
    ],
    "exchanges": [EXCHANGE_EXAMPLE["url"]],
}
FIELD_EXAMPLE = {
    **MUSIC_FIELD,
    "level": "detailed",
    "parent": {
        "url": f"{EXAMPLE_SITE}/api/v1/fields/021/",
        "code": "021",
        "name": translated("Arts", "艺术", "Kunsten", "Arts"),
    },
    "exchanges": f"{EXAMPLE_SITE}/api/v1/exchanges/?field=0215",
}


def error_example(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value)


ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(help_text="What went wrong."),
        "errors": inline_serializer(
            "ParameterError",
            {
                "parameter": serializers.CharField(),
                "value": serializers.CharField(allow_null=True),
                "message": serializers.CharField(help_text="What is wrong with it."),
                "fix": serializers.CharField(help_text="How to correct it."),
            },
            many=True,
            required=False,
            help_text="For a 400: each parameter refused.",
        ),
    },
)
BAD_REQUEST = OpenApiResponse(
    ERROR,
    description="A parameter was refused: errors name each one, its value, "
    "what is wrong and how to correct it.",
    examples=[
        error_example(
            "Unknown choice",
            {
                "detail": "Parameters not accepted: kind. Each entry of “errors” "
                "says why and how to correct it.",
                "errors": [
                    {
                        "parameter": "kind",
                        "value": "holiday",
                        "message": "Select a valid choice. holiday is not one of "
                        "the available choices.",
                        "fix": "Use one of: teacher, student, study_abroad, "
                        "performance, competition, internship, rehabilitation, "
                        "forum, training, delegation, joint_programme, other; or "
                        "leave kind out.",
                    }
                ],
            },
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    ERROR,
    description="No public record has this slug or code.",
    examples=[
        error_example(
            "Not found", {"detail": "No public exchange has the slug “no-such”."}
        )
    ],
)
THROTTLED = OpenApiResponse(
    ERROR,
    description="Too many requests from this address (settings.API_RATE): wait "
    "Retry-After seconds.",
    examples=[
        error_example(
            "Throttled",
            {"detail": "Request was throttled. Expected available in 42 seconds."},
        )
    ],
)
NOT_ACCEPTABLE = OpenApiResponse(
    ERROR,
    description="The Accept header allows no JSON: the API answers only in "
    "JSON (application/json).",
    examples=[
        error_example(
            "Not acceptable",
            {"detail": "Could not satisfy the request Accept header."},
        )
    ],
)
NOT_MODIFIED = OpenApiResponse(
    None, description="Not modified: the ETag sent in If-None-Match is current."
)


def _responses(ok: OpenApiResponse, *, detail: bool) -> dict:
    responses = {
        200: ok,
        304: NOT_MODIFIED,
        400: BAD_REQUEST,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
    }
    if detail:
        responses[404] = NOT_FOUND
    return responses


def empty_query_parameters_are_absent(result, generator, request, public):
    """drf-spectacular's post-processing hook (SPECTACULAR_SETTINGS): every
    query parameter may be sent empty (``allowEmptyValue``), and the API
    takes it as absent, as the catalogs' forms do (``?kind=&lang=``): the
    FilterSets' forms, ``views.read_language`` and the pagination's
    ``read_page_size`` and ``read_cursor``."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == OpenApiParameter.QUERY:
                    parameter["allowEmptyValue"] = True
    return result


def list_endpoint(name: str, serializer_class, example: dict):
    """The description of the list ``name``: its page of ``serializer_class``
    items."""
    item = {name: example[name] for name in serializer_class().fields}
    ok = OpenApiResponse(
        serializer_class(many=True),
        description="A page of results, in the order asked for.",
        examples=[OpenApiExample("A page", value=item)],
    )
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_list",
            parameters=[LANG, *RESPONSE_HEADERS, RETRY_AFTER],
            responses=_responses(ok, detail=False),
        )
    )


def detail_endpoint(name: str, serializer_class, key: str, example: dict):
    """The description of one record of ``name``, found by its ``key`` (slug
    or code)."""
    pattern = "^[0-9]{2,4}$" if key == "code" else "^[-a-zA-Z0-9_]+$"
    ok = OpenApiResponse(
        serializer_class,
        description="The record.",
        examples=[OpenApiExample("A record", value=example)],
    )
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_retrieve",
            parameters=[
                OpenApiParameter(
                    key,
                    OpenApiTypes.STR,
                    OpenApiParameter.PATH,
                    pattern=pattern,
                    description="ISCED-F code."
                    if key == "code"
                    else "The last part of the record's address.",
                ),
                LANG,
                *RESPONSE_HEADERS,
                RETRY_AFTER,
            ],
            responses=_responses(ok, detail=True),
        )
    )


ROOT = inline_serializer(
    "Root",
    {
        "exchanges": serializers.URLField(),
        "institutions": serializers.URLField(),
        "agreements": serializers.URLField(),
        "fields_of_education": serializers.URLField(),
        "schema": serializers.URLField(),
        "documentation": serializers.URLField(),
        "licence": inline_serializer(
            "Licence",
            {"name": serializers.CharField(), "url": serializers.URLField()},
            help_text="The licence of the data.",
        ),
    },
)


def root_endpoint(view):
    ok = OpenApiResponse(
        ROOT,
        description="The lists, the description and the licence.",
        examples=[
            OpenApiExample(
                "Root",
                value={
                    "exchanges": f"{EXAMPLE_SITE}/api/v1/exchanges/",
                    "institutions": f"{EXAMPLE_SITE}/api/v1/institutions/",
                    "agreements": f"{EXAMPLE_SITE}/api/v1/agreements/",
                    "fields_of_education": f"{EXAMPLE_SITE}/api/v1/fields/",
                    "schema": f"{EXAMPLE_SITE}/api/v1/schema/",
                    "documentation": f"{EXAMPLE_SITE}/api/v1/docs/",
                    "licence": {
                        "name": "CC BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/",
                    },
                },
            )
        ],
    )
    return extend_schema_view(
        get=extend_schema(
            operation_id="root",
            parameters=[LANG, *RESPONSE_HEADERS, RETRY_AFTER],
            responses=_responses(ok, detail=False),
        )
    )(view)
