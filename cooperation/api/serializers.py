"""What the API shows of each record: what its public page shows, no more.

Translated texts (names, titles, summaries, ...) are objects with the four
languages (``null`` where a text has no translation), or, with ``?lang=``,
the text in that language as the page shows it (English where it has no
translation). Links between records are absolute URLs: ``url`` is the
record in the API, ``web_url`` its public page.

Related records are shown only when the public may see them: the view
attaches the visible ones (``public_*`` attributes) and prefetches only
public partners and parties. Never here: internal notes, the responsible
staff member, staff-only documents, interest registrations, contact
addresses that the pages do not show."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from ..models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
)

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
#: The states a public (signed or terminated) agreement can be in.
PUBLIC_AGREEMENT_STATES = [
    choice
    for choice in Agreement.State.choices
    if choice[0] not in (Agreement.State.DRAFT, Agreement.State.NEGOTIATION)
]

TRANSLATED_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "description": "The text in each language; null where it has no "
            "translation (without lang).",
            "properties": {
                code: {"type": ["string", "null"]} for code in LANGUAGE_CODES
            },
            "required": LANGUAGE_CODES,
            "additionalProperties": False,
        },
        {
            "type": "string",
            "description": "The text in the language of lang, or in English "
            "where it has no translation (with lang).",
        },
    ]
}


class Links:
    """Absolute addresses of records, made without a reverse() per row."""

    def __init__(self, request, language: str | None):
        self.origin = request.build_absolute_uri("/").removesuffix("/")
        self.query = f"?lang={language}" if language else ""
        self.language = language or settings.LANGUAGE_CODE
        self.templates: dict[tuple[str, str], tuple[str, str]] = {}

    def _template(self, name: str, key: str) -> tuple[str, str]:
        if (name, key) not in self.templates:
            with translation.override(self.language):
                path = reverse(name, kwargs={key: "__key__"})
            prefix, suffix = path.split("__key__")
            self.templates[name, key] = (self.origin + prefix, suffix)
        return self.templates[name, key]

    def api(self, name: str, value: str, key: str = "slug") -> str:
        prefix, suffix = self._template(name, key)
        return f"{prefix}{value}{suffix}{self.query}"

    def web(self, name: str, value: str) -> str:
        prefix, suffix = self._template(name, "slug")
        return f"{prefix}{value}{suffix}"

    def api_list(self, name: str, **filters) -> str:
        query = "&".join(f"{key}={value}" for key, value in filters.items())
        lang = f"&lang={self.language}" if self.query else ""
        return f"{self.origin}{reverse(name)}?{query}{lang}"

    def absolute(self, path: str) -> str:
        return self.origin + path


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """A modeltranslation field in the four languages, or in ``?lang=``'s."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        if self.context["language"]:
            # The active language (the view's), falling back to English.
            return getattr(instance, self.field_name)
        return {
            code: getattr(instance, build_localized_fieldname(self.field_name, code))
            or None
            for code in LANGUAGE_CODES
        }


@extend_schema_field(OpenApiTypes.URI)
class ApiLinkField(serializers.Field):
    """The record's address in the API."""

    def __init__(self, view_name: str, key: str = "slug", **kwargs):
        self.view_name, self.key = view_name, key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.key)
        return self.context["links"].api(self.view_name, value, self.key)


@extend_schema_field(OpenApiTypes.URI)
class WebLinkField(serializers.Field):
    """The record's public page (in ``?lang=``'s language, else English)."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return self.context["links"].web(self.view_name, instance.slug)


class CountryField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code."""

    def to_representation(self, value):
        return getattr(value, "code", value) or ""


# Links to related records ------------------------------------------------------


class InstitutionLinkSerializer(serializers.Serializer):
    url = ApiLinkField("api-institution-detail")
    slug = serializers.CharField(read_only=True)
    name = TranslatedField()
    country = CountryField(read_only=True)


class AgreementLinkSerializer(serializers.Serializer):
    url = ApiLinkField("api-agreement-detail")
    slug = serializers.CharField(read_only=True)
    title = TranslatedField()


class FieldLinkSerializer(serializers.Serializer):
    url = ApiLinkField("api-field-detail", key="code")
    code = serializers.CharField(read_only=True)
    name = TranslatedField()


# Fields of education -----------------------------------------------------------


class FieldOfEducationSerializer(serializers.Serializer):
    url = ApiLinkField("api-field-detail", key="code")
    code = serializers.CharField(read_only=True, help_text="ISCED-F 2013 code.")
    level = serializers.ChoiceField(
        choices=FieldOfEducation.Level.choices, read_only=True
    )
    name = TranslatedField()
    parent = FieldLinkSerializer(read_only=True, allow_null=True)
    exchanges = serializers.SerializerMethodField(
        help_text="The public exchanges in this field and the fields under it."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_exchanges(self, field) -> str:
        return self.context["links"].api_list("api-exchange-list", field=field.code)


# Institutions ------------------------------------------------------------------


class InstitutionListSerializer(serializers.Serializer):
    url = ApiLinkField("api-institution-detail")
    web_url = WebLinkField("institution-detail")
    slug = serializers.CharField(read_only=True)
    name = TranslatedField()
    official_name = serializers.CharField(
        read_only=True, help_text="The name in the institution's own language."
    )
    acronym = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Institution.Kind.choices, read_only=True)
    level = serializers.ChoiceField(
        choices=Institution.Level.choices,
        allow_blank=True,
        read_only=True,
        help_text="For schools, universities and conservatories; else empty.",
    )
    country = CountryField(read_only=True)
    region = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    website = serializers.CharField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)


class InstitutionSerializer(InstitutionListSerializer):
    description = TranslatedField()
    email = serializers.CharField(read_only=True, help_text="Public contact e-mail.")
    erasmus_code = serializers.CharField(read_only=True)
    year_founded = serializers.IntegerField(read_only=True, allow_null=True)
    parent = InstitutionLinkSerializer(
        source="public_parent", read_only=True, allow_null=True
    )
    successor = InstitutionLinkSerializer(
        source="public_successor",
        read_only=True,
        allow_null=True,
        help_text="The institution this one was renamed to or merged into.",
    )
    exchanges = serializers.SerializerMethodField(
        help_text="The public exchanges it hosts or takes part in."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_exchanges(self, institution) -> str:
        return self.context["links"].api_list(
            "api-exchange-list", institution=institution.slug
        )


# Agreements --------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    institution = InstitutionLinkSerializer(read_only=True)
    role = serializers.ChoiceField(choices=AgreementParty.Role.choices, read_only=True)
    signatory_name = serializers.CharField(read_only=True)
    signatory_title = serializers.CharField(read_only=True)


class ExchangeKindCoveredSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Exchange.Kind.choices, read_only=True)
    places_per_year = serializers.IntegerField(read_only=True, allow_null=True)


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(
        choices=AgreementDocument.Kind.choices, read_only=True
    )
    language = serializers.ChoiceField(
        choices=AgreementDocument.Language.choices, read_only=True
    )
    url = serializers.SerializerMethodField(help_text="The PDF.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document) -> str:
        return self.context["links"].absolute(
            reverse("document-download", args=[document.pk])
        )


class AgreementListSerializer(serializers.Serializer):
    url = ApiLinkField("api-agreement-detail")
    web_url = WebLinkField("agreement-detail")
    slug = serializers.CharField(read_only=True)
    title = TranslatedField()
    summary = TranslatedField()
    kind = serializers.ChoiceField(choices=Agreement.Kind.choices, read_only=True)
    state = serializers.ChoiceField(
        choices=PUBLIC_AGREEMENT_STATES,
        read_only=True,
        help_text="On the day of the request.",
    )
    reference = serializers.CharField(read_only=True)
    signed_on = serializers.DateField(read_only=True)
    valid_from = serializers.DateField(read_only=True)
    expires_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="null: open-ended."
    )
    parties = PartySerializer(
        many=True,
        read_only=True,
        help_text="The public institutions among its parties.",
    )
    updated = serializers.DateTimeField(read_only=True)


class AgreementSerializer(AgreementListSerializer):
    signed_at = serializers.CharField(read_only=True)
    signing_mode = serializers.ChoiceField(
        choices=Agreement.SigningMode.choices, allow_blank=True, read_only=True
    )
    renews_automatically = serializers.BooleanField(read_only=True)
    exchange_kinds = ExchangeKindCoveredSerializer(many=True, read_only=True)
    fields = FieldLinkSerializer(many=True, read_only=True)
    predecessor = AgreementLinkSerializer(
        source="public_predecessor", read_only=True, allow_null=True
    )
    lineage = serializers.ChoiceField(
        choices=Agreement.Lineage.choices,
        allow_blank=True,
        read_only=True,
        help_text="How it relates to its predecessor.",
    )
    successors = AgreementLinkSerializer(
        source="public_successors", many=True, read_only=True
    )
    documents = DocumentSerializer(source="public_documents", many=True, read_only=True)
    exchanges = serializers.SerializerMethodField(
        help_text="The public exchanges under this agreement (latest first)."
    )

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "format": "uri"}}
    )
    def get_exchanges(self, agreement) -> list[str]:
        links = self.context["links"]
        return [
            links.api("api-exchange-detail", slug)
            for slug in agreement.public_exchange_slugs
        ]


# Exchanges ---------------------------------------------------------------------


class ExchangeListSerializer(serializers.Serializer):
    url = ApiLinkField("api-exchange-detail")
    web_url = WebLinkField("exchange-detail")
    slug = serializers.CharField(read_only=True)
    title = TranslatedField()
    summary = TranslatedField()
    kind = serializers.ChoiceField(choices=Exchange.Kind.choices, read_only=True)
    state = serializers.ChoiceField(
        choices=Exchange.State.choices,
        read_only=True,
        help_text="On the day of the request.",
    )
    mode = serializers.ChoiceField(choices=Exchange.Mode.choices, read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="null: a single day."
    )
    application_deadline = serializers.DateField(read_only=True, allow_null=True)
    city = serializers.CharField(source="location_city", read_only=True)
    country = CountryField(source="location_country", read_only=True)
    host = InstitutionLinkSerializer(read_only=True)
    countries = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The countries of the host and the public partners.",
    )
    updated = serializers.DateTimeField(read_only=True)


class ExchangeSerializer(ExchangeListSerializer):
    description = TranslatedField()
    eligibility = TranslatedField()
    how_to_apply = TranslatedField()
    outcomes = TranslatedField()
    partners = InstitutionLinkSerializer(
        many=True, read_only=True, help_text="The public partner institutions."
    )
    fields = FieldLinkSerializer(many=True, read_only=True)
    places = serializers.IntegerField(read_only=True, allow_null=True)
    participants = serializers.IntegerField(read_only=True, allow_null=True)
    agreement = AgreementLinkSerializer(
        source="public_agreement", read_only=True, allow_null=True
    )
    external_url = serializers.CharField(read_only=True)
