"""An import never changes who a record is, nor what it does not mean to
change (issue 8): an export imported again changes nothing; a row whose
identifier names another institution is a conflict, not an update."""

import datetime
import io
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cooperation.models import (
    Agreement,
    AgreementParty,
    Exchange,
    Institution,
)
from cooperation.transfer import (
    AgreementResource,
    ExchangeResource,
    InstitutionResource,
    records_import,
    result_errors,
)
from tests.factories import (
    field,
    make_agreement,
    make_exchange,
    make_institution,
)

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin's choices of format
RESOURCES = {
    Institution: InstitutionResource,
    Agreement: AgreementResource,
    Exchange: ExchangeResource,
}


def admin_url(model, action: str) -> str:
    return reverse(f"admin:cooperation_{model._meta.model_name}_{action}")


def export(client, model, file_format: str, language: str = "en") -> bytes:
    """The admin's export of every record of ``model``, every column."""
    resource_class = RESOURCES[model]
    columns = {
        f"{resource_class.__name__.lower()}_{name}": "on"
        for name in resource_class().get_export_order()
    }
    response = client.post(
        admin_url(model, "export"),
        {"format": file_format, "resource": "0", **columns},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content


def admin_import(client, model, name: str, content: bytes):
    """The admin's import: the preview, then "Confirm import"."""
    preview = client.post(
        admin_url(model, "import"),
        {
            "resource": "0",
            "format": XLSX_FORMAT if name.endswith(".xlsx") else CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content),
        },
    )
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result_errors(result) == []
    form = preview.context["confirm_form"]
    data = {key: form.initial.get(key, "") for key in form.fields}
    assert client.post(admin_url(model, "process_import"), data).status_code == 302
    return result


def stored(*tables: str) -> dict[str, list[tuple]]:
    """Every row of ``tables`` as the database holds it (not as the models
    show it: NULL and "" differ here), search documents aside."""
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            names = [column.name for column in cursor.description]
            kept = [i for i, name in enumerate(names) if not name.endswith("vector")]
            rows[table] = [
                tuple((names[i], row[i]) for i in kept) for row in cursor.fetchall()
            ]
    return rows


TABLES = (
    "cooperation_institution",
    "cooperation_historicalinstitution",
    "cooperation_agreement",
    "cooperation_historicalagreement",
    "cooperation_agreementparty",
    "cooperation_agreement_fields",
    "cooperation_exchange",
    "cooperation_historicalexchange",
    "cooperation_exchange_partners",
    "cooperation_exchange_fields",
)


@pytest.fixture
def records(superuser):
    """Records as staff make them: empty texts stored as "", translations
    left NULL, Chinese names, sample marks, multi-line texts, spacing."""
    ap = make_institution(
        name="AP University of Applied Sciences and Arts Antwerp",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
        name_nl="AP Hogeschool Antwerpen",
        official_name="AP Hogeschool Antwerpen",
        acronym="AP",
        aliases="Artesis Plantijn Hogeschool\nArtesis  Hogeschool",
        level=Institution.Level.APPLIED_SCIENCES,
        region="Flanders",
        address="Ellermanstraat 33\n2060 Antwerpen",
        latitude="51.219400",
        longitude="4.402500",
        website="https://www.ap.be/",
        erasmus_code="B  ANTWERP01",
        pic="999884732",
        year_founded=2013,
        description="",
        is_sample=True,
    )
    shanghai = make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        official_name="上海音乐学院",
        kind=Institution.Kind.CONSERVATORY,
        country="CN",
        city="上海",
        description="中国第一所独立建制的高等音乐学府。\n  创建于1927年。 ",
        description_zh_hans="",
        other_identifier="4131010274",
        published=False,
    )
    embassy = make_institution(
        name="Embassy of China  in Belgium",
        kind=Institution.Kind.GOVERNMENT,
        parent=shanghai,
        description="- a line that looks like a formula",
    )
    predecessor = make_agreement(
        title="Old MoU",
        reference="R-1",
        parties=[ap, shanghai],
        expires_on=datetime.date(2026, 1, 31),
        valid_from=datetime.date(2024, 1, 1),
        signed_on=datetime.date(2023, 12, 1),
        is_sample=True,
    )
    mou = make_agreement(
        title="MoU on musical talent",
        title_zh_hans="关于音乐人才培养的谅解备忘录",
        reference="R-2",
        summary="",
        internal_notes="=SUM(A1)",
        responsible=superuser,
        signing_mode=Agreement.SigningMode.ONLINE,
        renews_automatically=True,
        notice_period_days=90,
        predecessor=predecessor,
        lineage=Agreement.Lineage.RENEWS,
        parties=[ap, shanghai],
    )
    AgreementParty.objects.create(
        agreement=mou, institution=embassy, role=AgreementParty.Role.WITNESS
    )
    mou.fields.set([field("0215")])
    make_agreement(title="Draft", status=Agreement.Status.DRAFT, signed_on=None)
    make_exchange(
        title="Summer school",
        title_zh_hans="夏季学校",
        host=shanghai,
        partners=[ap],
        agreement=mou,
        fields_of_education=[field("0215"), field("0915")],
        description="",
        eligibility="Students of music",
        application_deadline=datetime.date(2027, 1, 15),
        mode=Exchange.Mode.HYBRID,
        city="Shanghai",
        country="CN",
        places=12,
        participants=None,
        is_sample=True,
    )
    make_exchange(
        title="Cancelled visit",
        host=ap,
        cancelled=True,
        published=False,
        outcomes="",
    )
    return ap, shanghai, embassy


# Export, then import the same file ---------------------------------------------


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
@pytest.mark.parametrize("model", [Institution, Agreement, Exchange])
def test_export_imported_again_on_the_command_line_changes_nothing(
    client, superuser, records, model, file_format
):
    client.force_login(superuser)
    content = export(client, model, file_format)
    before = stored(*TABLES)

    name = "export.xlsx" if file_format == XLSX_FORMAT else "export.csv"
    _model, result = records_import(data=content, file_name=name)

    assert result_errors(result) == []
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == model.objects.count()
    assert stored(*TABLES) == before


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
@pytest.mark.parametrize("model", [Institution, Agreement, Exchange])
def test_export_imported_again_through_the_admin_changes_nothing(
    client, superuser, records, model, file_format
):
    client.force_login(superuser)
    content = export(client, model, file_format)
    before = stored(*TABLES)

    name = "export.xlsx" if file_format == XLSX_FORMAT else "export.csv"
    result = admin_import(client, model, name, content)

    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert stored(*TABLES) == before


@pytest.mark.parametrize("language", ["zh-hans", "fr"])
def test_export_in_another_language_imports_back_unchanged(
    client, superuser, records, language
):
    client.force_login(superuser)
    for model in (Institution, Agreement, Exchange):
        content = export(client, model, XLSX_FORMAT, language=language)
        before = stored(*TABLES)

        _model, result = records_import(data=content, file_name="export.xlsx")

        assert result_errors(result) == []
        assert (result.totals["new"], result.totals["update"]) == (0, 0), model
        assert stored(*TABLES) == before


def test_an_empty_cell_leaves_empty_text_as_stored():
    empty = make_institution(name="Empty", description="")
    null = make_institution(name="Null")
    Institution.objects.filter(pk=null.pk).update(description_en=None)
    content = (
        b"Name,Country,Kind,Description\nEmpty,BE,university,\nNull,BE,university,\n"
    )

    _model, result = records_import(data=content, file_name="x.csv")

    assert result.totals["skip"] == 2
    values = dict(Institution.objects.values_list("pk", "description_en"))
    assert values == {empty.pk: "", null.pk: None}


def test_a_row_that_updates_a_sample_record_keeps_its_mark():
    sample = make_institution(name="Sample", is_sample=True, city="Gent")
    content = b"Name,Country,Kind,City\nSample,BE,university,Antwerp\nNew,BE,school,\n"

    _model, result = records_import(data=content, file_name="x.csv", replace=True)

    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    sample.refresh_from_db()
    assert (sample.city, sample.is_sample) == ("Antwerp", True)
    assert not Institution.objects.get(name="New").is_sample


def test_a_cell_that_only_tidies_spacing_changes_nothing():
    record = make_institution(
        name="Hogeschool  Gent", description="First line  \n  second line"
    )
    content = (
        b'Name,Country,Kind,Description\n"Hogeschool Gent",BE,university,'
        b'"First line\nsecond line"\n'
    )

    _model, result = records_import(data=content, file_name="x.csv")

    assert result.totals["skip"] == 1
    record.refresh_from_db()
    assert record.name == "Hogeschool  Gent"


def test_round_trip_reads_the_xlsx_the_export_wrote(client, superuser, records):
    # The check above would pass on an empty file: the export holds the rows.
    client.force_login(superuser)
    sheet = openpyxl.load_workbook(
        io.BytesIO(export(client, Institution, XLSX_FORMAT))
    ).active
    names = {row[0] for row in list(sheet.values)[1:]}
    assert "Shanghai Conservatory of Music" in names
    assert len(names) == Institution.objects.count()


# An identifier with another institution's name ------------------------------------

# The Commission's list: F  LYON121 is a Lyon lycée's code, which earlier demo
# data gave to Institut Paul Bocuse.
COMMISSION_LIST = (
    b"Erasmus code,Name,Country,Kind,City\n"
    b"F  LYON121,LYCEE POLYVALENT HOTELIER FRANCOIS RABELAIS,France,school,Dardilly\n"
    b"F  PARIS001,UNIVERSITE PARIS 1 PANTHEON-SORBONNE,France,university,Paris\n"
)


@pytest.fixture
def bocuse():
    institution = make_institution(
        name="Institut Paul Bocuse",
        slug="institut-paul-bocuse",
        country="FR",
        city="Écully",
        erasmus_code="F  LYON121",
        description="A school of culinary arts and hospitality.",
        aliases="Institut Bocuse",
    )
    make_exchange(title="Culinary summer school", host=institution)
    return institution


def test_row_whose_identifier_is_another_institutions_changes_nothing(bocuse):
    before = stored("cooperation_institution", "cooperation_historicalinstitution")

    _model, result = records_import(data=COMMISSION_LIST, file_name="list.csv")

    assert result_errors(result) == []
    [conflict] = result.conflicts()
    assert (conflict.line, conflict.file_name, conflict.record_name) == (
        2,
        "LYCEE POLYVALENT HOTELIER FRANCOIS RABELAIS",
        "Institut Paul Bocuse",
    )
    assert conflict.identifiers == "the Erasmus code “F  LYON121”"
    assert conflict.record_url == admin_url(Institution, "changelist") + (
        f"{bocuse.pk}/change/"
    )
    assert "correct the identifier in the file or in the record" in conflict.message
    # The record is as it was; the file's other row is imported.
    after = stored("cooperation_institution", "cooperation_historicalinstitution")
    assert after["cooperation_institution"][0] == before["cooperation_institution"][0]
    assert Institution.objects.get(erasmus_code="F  PARIS001").city == "Paris"
    assert (result.totals["new"], result.totals["update"], result.unchanged()) == (
        1,
        0,
        0,
    )
    bocuse.refresh_from_db()
    assert bocuse.history.count() == 1


def test_command_names_the_conflicting_row_and_both_names(bocuse, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(COMMISSION_LIST)
    out, err = StringIO(), StringIO()

    call_command("import_records", str(path), stdout=out, stderr=err)

    assert err.getvalue().strip() == (
        "Line 2 was not imported: the Erasmus code “F  LYON121” belongs to "
        "“Institut Paul Bocuse” in the registry, but the row names “LYCEE "
        "POLYVALENT HOTELIER FRANCOIS RABELAIS”. If they are the same "
        "institution, import the file in the admin and choose “Same "
        "institution” for this line; if not, correct the identifier in the "
        "file or in the record."
    )
    assert "1 created, 0 updated, 0 skipped" in out.getvalue()
    assert "1 row not imported: its identifier is another institution's" in (
        out.getvalue()
    )
    bocuse.refresh_from_db()
    assert (bocuse.name, bocuse.city) == ("Institut Paul Bocuse", "Écully")


def test_admin_preview_shows_the_conflict_side_by_side_and_confirm_skips_it(
    client, editor, bocuse
):
    client.force_login(editor)
    preview = client.post(
        admin_url(Institution, "import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("list.csv", COMMISSION_LIST),
        },
    )

    page = preview.text
    assert "Rows with another institution's identifier" in page
    assert "correct the identifier in the file or in the record" in page
    conflict_table = page[page.index("import-conflicts") :]
    for text in (
        "F  LYON121",
        "LYCEE POLYVALENT HOTELIER FRANCOIS RABELAIS",
        ">Institut Paul Bocuse</a>",
    ):
        assert text in conflict_table
    assert (
        "Another institution's identifier: left out unless you choose "
        "“Same institution” above" in page
    )
    assert "1 new, 0 updated, 0 unchanged or blank." in page

    form = preview.context["confirm_form"]
    data = {key: form.initial.get(key, "") for key in form.fields}
    assert client.post(admin_url(Institution, "process_import"), data).status_code == (
        302
    )
    bocuse.refresh_from_db()
    assert (bocuse.name, bocuse.city, bocuse.history.count()) == (
        "Institut Paul Bocuse",
        "Écully",
        1,
    )
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()


@pytest.mark.parametrize(
    "name",
    [
        "INSTITUT PAUL BOCUSE",  # case
        "Institut Paul Bocusé",  # accents
        "Institut Bocuse",  # an alias of the record
        "Institut Paul Bocuse Lyon",  # similar, as duplicates are decided
        "保罗·博古斯学院",  # another script: says nothing either way
    ],
)
def test_row_with_the_records_name_in_another_form_updates_it(bocuse, name):
    content = f"Erasmus code,Name,Country,Kind,City\nF  LYON121,{name},FR,school,Lyon\n"

    _model, result = records_import(
        data=content.encode(), file_name="list.csv", replace=True
    )

    assert result.conflicts() == []
    assert result.totals["update"] == 1
    bocuse.refresh_from_db()
    assert bocuse.city == "Lyon"


def test_the_records_official_name_and_translations_count_as_its_names():
    record = make_institution(
        name="Shanghai Conservatory of Music",
        name_fr="Conservatoire de musique de Shanghai",
        official_name="上海音乐学院",
        country="CN",
        other_identifier="4131010274",
    )
    content = (
        "Other identifier,Name,Official name,Country,Kind,City\n"
        "4131010274,Conservatoire de Musique de Shanghai,,CN,conservatory,Shanghai\n"
        "4131010274,,上海音乐学院,CN,conservatory,Shanghai\n"
    )

    for line in content.splitlines()[1:]:
        data = (content.splitlines()[0] + "\n" + line + "\n").encode()
        _model, result = records_import(data=data, file_name="list.csv", replace=True)
        assert result.conflicts() == [], line
    record.refresh_from_db()
    assert record.kind == Institution.Kind.CONSERVATORY


# Fill empty fields only, or replace ----------------------------------------------

CURATED_ROW = (
    b"Erasmus code,Name,Country,Kind,City,Region,Website,Published\n"
    b"B  GENT25,Hogeschool Gent,BE,school,Ghent,Flanders,https://www.hogent.be/,no\n"
)


@pytest.fixture
def curated():
    return make_institution(
        name="Hogeschool Gent",
        erasmus_code="B  GENT25",
        kind=Institution.Kind.UNIVERSITY,
        city="Gent",
        published=True,
    )


def test_a_row_that_updates_a_record_fills_its_empty_fields_only(curated):
    _model, result = records_import(data=CURATED_ROW, file_name="list.csv")

    assert result.totals["update"] == 1
    curated.refresh_from_db()
    # Filled: what was empty.
    assert (curated.region, curated.website) == ("Flanders", "https://www.hogent.be/")
    # Kept: what staff had curated.
    assert (curated.kind, curated.city, curated.published) == (
        "university",
        "Gent",
        True,
    )


def test_replace_gives_the_record_the_files_values(curated):
    _model, result = records_import(
        data=CURATED_ROW, file_name="list.csv", replace=True
    )

    assert result.totals["update"] == 1
    curated.refresh_from_db()
    assert (curated.kind, curated.city, curated.region, curated.published) == (
        "school",
        "Ghent",
        "Flanders",
        False,
    )


def test_a_row_with_nothing_to_fill_leaves_the_record_unchanged(curated):
    content = (
        b"Erasmus code,Name,Country,Kind,City\n"
        b"B  GENT25,Hogeschool Gent,BE,school,Ghent\n"
    )

    _model, result = records_import(data=content, file_name="list.csv")

    assert (result.totals["update"], result.unchanged()) == (0, 1)
    assert curated.history.count() == 1


def test_command_fills_by_default_and_replaces_when_asked(curated, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(CURATED_ROW)

    call_command("import_records", str(path), stdout=StringIO())
    curated.refresh_from_db()
    assert (curated.city, curated.region) == ("Gent", "Flanders")

    call_command("import_records", str(path), "--replace", stdout=StringIO())
    curated.refresh_from_db()
    assert curated.city == "Ghent"


def upload_with_mode(client, mode: str | None, content: bytes):
    data = {
        "resource": "0",
        "format": CSV_FORMAT,
        "import_file": SimpleUploadedFile("list.csv", content),
    }
    if mode:
        data["update_mode"] = mode
    return client.post(admin_url(Institution, "import"), data)


@pytest.mark.parametrize(
    ("mode", "city"), [(None, "Gent"), ("fill", "Gent"), ("replace", "Ghent")]
)
def test_admin_import_form_chooses_fill_or_replace_for_the_whole_import(
    client, editor, curated, mode, city
):
    client.force_login(editor)
    page = client.get(admin_url(Institution, "import")).text
    assert "fill its empty fields only" in page
    assert "replace its values with the file&#x27;s" in page

    preview = upload_with_mode(client, mode, CURATED_ROW)
    form = preview.context["confirm_form"]
    data = {key: form.initial.get(key, "") for key in form.fields}
    client.post(admin_url(Institution, "process_import"), data)

    curated.refresh_from_db()
    assert (curated.city, curated.region) == (city, "Flanders")


def test_name_in_capitals_never_replaces_a_curated_name():
    record = make_institution(
        name="Institut Paul Bocuse", country="FR", erasmus_code="F  ECULLY01"
    )
    content = (
        "Erasmus code,Name,Country,Kind\n"
        "F  ECULLY01,INSTITUT PAUL BOCUSE ÉCULLY,FR,school\n"
    ).encode()

    records_import(data=content, file_name="list.csv", replace=True)
    record.refresh_from_db()
    assert record.name == "Institut Paul Bocuse"
    assert record.official_name == "INSTITUT PAUL BOCUSE ÉCULLY"
    assert record.kind == Institution.Kind.SCHOOL  # the rest is replaced

    record.official_name = "Institut Paul Bocuse"
    record.save()
    records_import(data=content, file_name="list.csv", replace=True)
    record.refresh_from_db()
    assert record.name == record.official_name == "Institut Paul Bocuse"
    assert record.aliases == "INSTITUT PAUL BOCUSE ÉCULLY"

    # Again, or the same name in capitals: nothing more to keep.
    records_import(data=content, file_name="list.csv", replace=True)
    same = content.replace("BOCUSE ÉCULLY".encode(), b"BOCUSE")
    _model, result = records_import(data=same, file_name="list.csv", replace=True)
    record.refresh_from_db()
    assert record.aliases == "INSTITUT PAUL BOCUSE ÉCULLY"
    assert result.unchanged() == 1


def test_name_in_capitals_names_a_new_record():
    content = b"Name,Country,Kind\nUNIVERSITE DE LIEGE,BE,university\n"

    records_import(data=content, file_name="list.csv")

    assert Institution.objects.get().name == "UNIVERSITE DE LIEGE"


def test_fill_keeps_the_parties_and_partners_staff_set_and_fills_empty_ones():
    ap = make_institution(name="AP")
    shanghai = make_institution(name="Shanghai Conservatory", country="CN")
    embassy = make_institution(name="Embassy")
    agreement = make_agreement(title="MoU", reference="R-1", parties=[ap, shanghai])
    with_partners = make_exchange(title="Visit", host=shanghai, partners=[ap])
    without = make_exchange(title="Tour", host=shanghai)
    agreements = b"Title,Reference,Kind,Parties,Witnesses\nMoU,R-1,mou,AP,Embassy\n"
    exchanges = (
        "Title,Kind,Host,Starts on,Partners,Slug\n"
        f"Visit,student,Shanghai Conservatory,2027-03-01,Embassy,{with_partners.slug}\n"
        f"Tour,student,Shanghai Conservatory,2027-03-01,Embassy,{without.slug}\n"
    ).encode()

    records_import(data=agreements, file_name="a.csv", model="agreements")
    records_import(data=exchanges, file_name="e.csv", model="exchanges")

    parties = set(agreement.parties.values_list("institution__name", "role"))
    assert parties == {
        ("AP", "signatory"),
        ("Shanghai Conservatory", "signatory"),
        ("Embassy", "witness"),  # there was no witness
    }
    assert list(with_partners.partners.all()) == [ap]
    assert list(without.partners.all()) == [embassy]
