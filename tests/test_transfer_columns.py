"""The columns of the import and export files (cooperation/transfer/): the
headers of each record type, in their order, and the translated fields'
columns, which come from the site's languages (cooperation/languages.py)."""

import pytest
from django.utils import translation
from import_export.fields import Field

from cooperation import languages
from cooperation.models import Agreement
from cooperation.transfer import (
    AgreementResource,
    ExchangeResource,
    InstitutionResource,
)
from cooperation.transfer.base import RecordResource
from cooperation.transfer.cells import (
    HEADER_NAMES,
    column,
    header_key,
    translated,
)
from cooperation.transfer.directory import InstitutionDirectory
from tests.factories import make_agreement, make_exchange, make_institution

INSTITUTION_HEADERS = [
    "Name",
    "Name (Chinese)",
    "Name (Dutch)",
    "Name (French)",
    "Official name",
    "Acronym",
    "Aliases",
    "Kind",
    "Level",
    "Country",
    "Region",
    "City",
    "Address",
    "Latitude",
    "Longitude",
    "Website",
    "E-mail",
    "Erasmus code",
    "SCHAC code",
    "PIC",
    "Other identifier",
    "Parent",
    "Successor",
    "Year founded",
    "Description",
    "Description (Chinese)",
    "Description (Dutch)",
    "Description (French)",
    "Published",
    "Slug",
]
AGREEMENT_HEADERS = [
    "Title",
    "Title (Chinese)",
    "Title (Dutch)",
    "Title (French)",
    "Reference",
    "Kind",
    "Summary",
    "Summary (Chinese)",
    "Summary (Dutch)",
    "Summary (French)",
    "Internal notes",
    "Responsible",
    "Status",
    "Signed on",
    "Signed at",
    "Signed how",
    "Valid from",
    "Expires on",
    "Renews automatically",
    "Notice period (days)",
    "Fields of education",
    "Parties",
    "Witnesses",
    "Earlier agreement",
    "Relation to earlier",
    "Published",
    "Slug",
    "Places per academic year",
]
EXCHANGE_HEADERS = [
    "Title",
    "Title (Chinese)",
    "Title (Dutch)",
    "Title (French)",
    "Kind",
    "Summary",
    "Summary (Chinese)",
    "Summary (Dutch)",
    "Summary (French)",
    "Description",
    "Description (Chinese)",
    "Description (Dutch)",
    "Description (French)",
    "Eligibility",
    "Eligibility (Chinese)",
    "Eligibility (Dutch)",
    "Eligibility (French)",
    "How to apply",
    "How to apply (Chinese)",
    "How to apply (Dutch)",
    "How to apply (French)",
    "Contact e-mail",
    "External link",
    "Agreement",
    "Host",
    "Partners",
    "Fields of education",
    "Starts on",
    "Ends on",
    "Application deadline",
    "Mode",
    "City",
    "Country",
    "Places",
    "Participants",
    "Outcomes",
    "Outcomes (Chinese)",
    "Outcomes (Dutch)",
    "Outcomes (French)",
    "Cancelled",
    "Published",
    "Slug",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource_class", "make", "headers"),
    [
        (InstitutionResource, make_institution, INSTITUTION_HEADERS),
        (AgreementResource, make_agreement, AGREEMENT_HEADERS),
        (ExchangeResource, make_exchange, EXCHANGE_HEADERS),
    ],
)
def test_an_export_has_each_record_types_headers_in_order(
    resource_class, make, headers
):
    make()
    dataset = resource_class().export()
    assert dataset.headers == headers
    assert resource_class.accepted_headers() == headers


def test_a_translated_field_has_a_column_per_language_with_its_attribute():
    fields = InstitutionResource.fields
    assert [fields[name].column_name for name in languages.columns("name")] == [
        "Name",
        "Name (Chinese)",
        "Name (Dutch)",
        "Name (French)",
    ]
    assert [fields[name].attribute for name in languages.columns("name")] == list(
        languages.columns("name")
    )
    assert [
        fields[name].widget.multiline for name in languages.columns("description")
    ] == [True] * len(languages.CODES)


@pytest.mark.parametrize(
    ("header", "column_name"),
    [
        ("english title", "Title"),
        ("exchange", "Title"),
        ("title", "Title"),
        ("title_en", "Title"),
        ("Chinese title", "Title (Chinese)"),
        ("title zh", "Title (Chinese)"),
        ("title chinese", "Title (Chinese)"),
        ("title cn", "Title (Chinese)"),
        ("title chinese simplified", "Title (Chinese)"),
        ("中文标题", "Title (Chinese)"),
        ("title_zh_hans", "Title (Chinese)"),
        ("Dutch title", "Title (Dutch)"),
        ("title nl", "Title (Dutch)"),
        ("title french", "Title (French)"),
        ("title_fr", "Title (French)"),
        ("how to apply fr", "How to apply (French)"),
    ],
)
def test_the_import_reads_a_translated_column_under_its_aliases(header, column_name):
    assert ExchangeResource.header_lookup()[header_key(header)] == column_name


def test_the_source_column_is_named_after_the_translated_field():
    assert InstitutionResource.column_for("name") == "Name"
    assert InstitutionResource.column_for("name_nl") == "Name (Dutch)"
    assert InstitutionResource.column_for("Name (French)") == "Name (French)"


def test_every_translated_language_has_a_header_name():
    assert set(HEADER_NAMES) == set(languages.TRANSLATED)


def test_a_translated_declaration_expands_in_place_in_a_subclass():
    class Resource(RecordResource):
        first = column("first", "First")
        summary = translated("summary", "Summary", aliases=("abstract",))
        last = column("last", "Last")

        class Meta(RecordResource.Meta):
            model = Agreement

    assert list(Resource.fields) == [
        "first",
        *languages.columns("summary"),
        "last",
    ]
    assert all(isinstance(field, Field) for field in Resource.fields.values())
    assert Resource.fields["summary_en"].aliases == ("abstract",)
    assert not hasattr(Resource, "summary")


def test_a_translated_declaration_must_be_named_after_its_field():
    with pytest.raises(TypeError, match="name it summary"):

        class Resource(RecordResource):
            abstract = translated("summary", "Summary")


def test_aliases_for_a_language_the_site_lacks_are_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="de"):
        translated("title", "Title", language_aliases={"de": ("Titel",)})


@pytest.mark.django_db
def test_institutions_are_found_by_their_name_in_any_language():
    shanghai = make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        name_nl="Conservatorium van Shanghai",
        name_fr="Conservatoire de Shanghai",
        official_name="上海音乐学院 (official)",
        acronym="SHCM",
        country="CN",
    )
    directory = InstitutionDirectory()
    assert directory.names[shanghai.pk] == "Shanghai Conservatory of Music"
    for text in (
        "Shanghai Conservatory of Music",
        "上海音乐学院",
        "Conservatorium van Shanghai",
        "conservatoire de shanghai",
        "SHCM",
    ):
        assert directory.find(text) == (shanghai.pk, "")
    for name in ("Conservatorium van Shanghai", "Conservatoire de Shanghai"):
        assert InstitutionResource.is_a_name_of(shanghai, name)
    assert not InstitutionResource.is_a_name_of(shanghai, "Beijing Conservatory")


@pytest.mark.django_db
def test_related_records_are_exported_by_their_source_language_name():
    host = make_institution(name="AP Hogeschool", name_fr="Haute école AP")
    partner = make_institution(name="KU Leuven", name_fr="Université de Louvain")
    agreement = make_agreement(
        title="Music MoU", title_fr="Accord musique", reference=""
    )
    exchange = make_exchange(host=host, agreement=agreement)
    exchange.partners.set([partner])
    resource = ExchangeResource()
    with translation.override("fr"):
        assert resource.dehydrate_host(exchange) == "AP Hogeschool"
        assert resource.dehydrate_partners(exchange) == "KU Leuven"
        assert resource.dehydrate_agreement(exchange) == (
            agreement.reference or "Music MoU"
        )
