"""Import and export (cooperation/transfer/, the admin's import and export
pages and ``manage.py import_records``)."""

import datetime
import io
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperation.models import (
    Agreement,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
)
from cooperation.transfer import (
    AgreementResource,
    ExchangeResource,
    InstitutionResource,
    format_for,
    records_import,
    result_errors,
)
from tests.data.ministry_list import ministry_list_xlsx
from tests.factories import field, make_exchange, make_institution

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin import form's choices


def admin_url(model, action: str) -> str:
    return reverse(f"admin:cooperation_{model._meta.model_name}_{action}")


def upload(client, model, name: str, content: bytes, **defaults):
    """Step one of the admin import: the preview."""
    return client.post(
        admin_url(model, "import"),
        {
            "resource": "0",
            "format": XLSX_FORMAT if name.endswith(".xlsx") else CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content),
            **{f"default_{key}": value for key, value in defaults.items()},
        },
    )


def confirm(client, model, preview):
    """Step two: "Confirm import", with the confirm form of the preview."""
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(admin_url(model, "process_import"), data)


MAPPING_TEMPLATE = "admin/import_export/registry_import_mapping.html"


def mapping_step_data(page, **choices) -> dict[str, str]:
    """The mapping form of ``page`` as submitted, with the field chosen for
    some columns (by header)."""
    form = page.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }
    for name, column in zip(form.column_names, form.columns, strict=True):
        if column.header in choices:
            data[name] = choices[column.header]
    return data


def submit_mapping(client, model, page, **choices):
    """The mapping step's page submitted, as staff do after checking it."""
    assert MAPPING_TEMPLATE in [t.name for t in page.templates]
    return client.post(admin_url(model, "import"), mapping_step_data(page, **choices))


def unrecognised_columns(page) -> list[str]:
    return [c.header for c in page.context["form"].columns if not c.recognised]


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def run_import(name: str, content: bytes, **kwargs):
    model, result = records_import(data=content, file_name=name, **kwargs)
    return result


def preview_errors(response) -> list[tuple[int, str, str]]:
    """(line, column, message) of the errors a preview shows."""
    result = response.context["result"]
    return [
        (line, column, message)
        for line, column, message in result_errors(result)
        if line is not None
    ]


# Through the admin, as staff do it ------------------------------------------------


def test_preview_shows_errors_by_line_and_column_and_saves_nothing(client, editor):
    client.force_login(editor)
    content = (DATA / "institutions_errors.csv").read_bytes()
    response = upload(client, Institution, "errors.csv", content)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = preview_errors(response)
    assert (2, "Country") == errors[0][:2]
    assert "“Atlantis” is not a country" in errors[0][2]
    assert {(line, column) for line, column, _message in errors} == {
        (2, "Country"),
        (3, "Erasmus code"),
        (4, "Kind"),
        (5, "Longitude"),
        (6, "Year founded"),
    }
    page = response.text
    assert "nothing was saved" in page
    assert "is not one of: school" in page
    assert not Institution.objects.exists()


def test_clean_file_is_previewed_then_saved_by_an_editor(client, editor):
    client.force_login(editor)
    content = (DATA / "institutions_semicolon_bom.csv").read_bytes()
    mapping = upload(client, Institution, "partners.csv", content)
    assert unrecognised_columns(mapping) == ["Remarks"]
    preview = submit_mapping(client, Institution, mapping)
    assert preview_errors(preview) == []
    assert "Shanghai Conservatory of Music" in preview.text
    assert not Institution.objects.exists()  # the preview saves nothing

    response = confirm(client, Institution, preview)
    assert response.status_code == 302
    assert Institution.objects.count() == 4
    ap = Institution.objects.get(erasmus_code="B  ANTWERP01")
    assert ap.pic == "999884732"
    assert ap.level == Institution.Level.APPLIED_SCIENCES
    assert ap.published and not ap.is_sample
    assert ap.history.get().history_user == editor
    liege = Institution.objects.get(erasmus_code="B  LIEGE42")
    assert not liege.published


@pytest.mark.parametrize("model", [Institution, Agreement, Exchange])
def test_import_page_lists_the_accepted_columns(client, editor, model):
    client.force_login(editor)
    changelist = client.get(admin_url(model, "changelist"))
    assert admin_url(model, "import") in changelist.text
    page = client.get(admin_url(model, "import")).text
    assert "Accepted columns and how rows are matched" in page
    assert "Kind for rows without one" in page


def test_agreements_are_imported_through_the_admin(client, editor, parties):
    client.force_login(editor)
    content = (DATA / "agreements.csv").read_bytes()
    preview = upload(client, Agreement, "agreements.csv", content)
    assert preview_errors(preview) == []
    assert confirm(client, Agreement, preview).status_code == 302
    mou = Agreement.objects.get(reference="AP-2026-001")
    assert mou.parties.count() == 3
    assert {h.history_user for h in mou.history.all()} == {editor}
    assert mou.parties.first().history.get().history_user == editor


def test_viewer_may_export_but_not_import(client, viewer):
    client.force_login(viewer)
    changelist = client.get(admin_url(Institution, "changelist"))
    assert admin_url(Institution, "import") not in changelist.text
    assert admin_url(Institution, "export") in changelist.text
    assert client.get(admin_url(Institution, "import")).status_code == 403
    content = (DATA / "institutions_semicolon_bom.csv").read_bytes()
    assert upload(client, Institution, "x.csv", content).status_code == 403
    assert not Institution.objects.exists()


def test_editor_tied_to_institutions_cannot_import(client, editor):
    editor.institutions.add(make_institution())
    client.force_login(editor)
    assert client.get(admin_url(Institution, "import")).status_code == 403


def test_a_file_that_is_not_utf8_is_refused_with_advice(client, editor):
    client.force_login(editor)
    content = "Name;Country;Kind\nÉcole;FR;school\n".encode("latin-1")
    response = upload(client, Institution, "latin1.csv", content)
    assert "not UTF-8" in response.text


def test_a_file_without_a_required_column_says_which(client, editor):
    client.force_login(editor)
    response = upload(client, Institution, "x.csv", b"Name,City\nA,B\n")
    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert len(errors) == 1
    assert "no column for: Country, Kind" in errors[0]
    assert response.context["result"].invalid_rows == []


def test_ministry_list_imports_through_the_preview_on_the_first_try(client, editor):
    """A few thousand Chinese vocational schools as a ministry publishes them:
    Chinese names only, a title line, province headings, school codes as
    numbers, no country or kind columns (the form's defaults give them)."""
    content, schools = ministry_list_xlsx(3000)
    client.force_login(editor)
    mapping = upload(
        client, Institution, "全国高职名单.xlsx", content, country="CN", kind="school"
    )
    # The step shows the columns' samples under the title line and headings.
    columns = {column.header: column for column in mapping.context["form"].columns}
    assert columns["学校名称"].samples[0] == schools[0]["name"]
    preview = submit_mapping(client, Institution, mapping)
    assert preview_errors(preview) == []
    assert preview.context["result"].totals["new"] == 3000
    response = confirm(client, Institution, preview)
    assert response.status_code == 302
    assert Institution.objects.count() == 3000
    first = schools[0]
    school = Institution.objects.get(other_identifier=first["code"])
    assert school.name == school.official_name == first["name"]
    assert (school.country, school.kind) == ("CN", "school")
    assert (school.region, school.city) == (first["province"], first["city"])
    assert school.level == Institution.Level.HIGHER_VOCATIONAL
    spaced = schools[96]  # written with stray spaces
    assert Institution.objects.filter(official_name=spaced["name"]).exists()

    # The same list again changes nothing, its mapping remembered.
    again = upload(
        client, Institution, "全国高职名单.xlsx", content, country="CN", kind="school"
    )
    assert MAPPING_TEMPLATE not in [t.name for t in again.templates]
    assert again.context["result"].totals["skip"] == 3000 + 20  # + headings, blank
    assert again.context["result"].totals["new"] == 0


# Files and cells -------------------------------------------------------------------


def test_comma_csv_without_bom_and_semicolon_csv_with_bom_read_alike():
    semicolon = (DATA / "institutions_semicolon_bom.csv").read_bytes()
    assert semicolon.startswith(b"\xef\xbb\xbf")
    comma = semicolon.decode("utf-8-sig").replace(";", ",").encode()
    for content in (semicolon, comma):
        dataset = format_for("x.csv", content).create_dataset(content)
        assert dataset.headers[:3] == ["Name", "Official name", "Country"]
        assert dataset[0][2] == "中国"


def test_country_names_in_chinese_dutch_and_french_and_iso_codes():
    result = run_import(
        "partners.csv", (DATA / "institutions_semicolon_bom.csv").read_bytes()
    )
    assert result_errors(result) == []
    countries = dict(Institution.objects.values_list("city", "country"))
    assert countries == {
        "Shanghai": "CN",  # 中国
        "Antwerpen": "BE",  # België
        "Liège": "BE",  # Belgique
        "Rotterdam": "NL",  # Nederland
    }
    content = (
        b"Name,Country,Kind\nA,chn,school\nB,Pays-Bas,school\nC,cote d'ivoire,school"
    )
    result = run_import("codes.csv", content)
    assert result_errors(result) == []
    assert set(
        Institution.objects.filter(name_en__in="ABC").values_list("country")
    ) == {
        ("CN",),
        ("NL",),
        ("CI",),
    }


def test_extra_columns_blank_lines_and_stray_spaces_are_handled():
    result = run_import(
        "partners.csv", (DATA / "institutions_semicolon_bom.csv").read_bytes()
    )
    assert result.totals["new"] == 4
    assert result.totals["skip"] == 1  # the blank line
    school = Institution.objects.get(official_name="上海音乐学院")
    assert school.name == "Shanghai Conservatory of Music"  # spaces stripped
    assert school.year_founded == 1927  # "Founded"
    assert "Remarks" not in {
        f.column_name for f in InstitutionResource().fields.values()
    }


def test_xlsx_with_a_date_cell_and_an_excel_serial_number():
    host = make_institution(name="AP Hogeschool", erasmus_code="B  ANTWERP01")
    date_cell = datetime.date(2025, 12, 1)
    datetime_cell = datetime.datetime(2026, 3, 2, tzinfo=None)  # noqa: DTZ001
    content = xlsx(
        [
            ["Title", "Kind", "Host", "Starts on", "Ends on", "Published"],
            ["Winter school", "study abroad", "B  ANTWERP01", date_cell, 46000, True],
            ["Spring visit", "delegation visit", "AP Hogeschool", datetime_cell],
        ]
    )
    result = run_import("exchanges.xlsx", content)
    assert result_errors(result) == []
    winter = Exchange.objects.get(title_en="Winter school")
    assert (winter.starts_on, winter.ends_on) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 9),  # day 46000 of Excel's calendar
    )
    assert winter.host == host and winter.published
    assert winter.kind == Exchange.Kind.STUDY_ABROAD
    spring = Exchange.objects.get(title_en="Spring visit")
    assert spring.starts_on == datetime.date(2026, 3, 2) and not spring.published


def test_a_title_line_above_the_headers_is_skipped_and_lines_counted_from_the_top():
    content = xlsx(
        [
            ["Partner institutions 2026"],
            ["Name", "Country", "Kind"],
            ["Good School", "BE", "school"],
            ["Bad School", "Narnia", "school"],
        ]
    )
    errors = result_errors(run_import("list.xlsx", content))
    assert [(line, column) for line, column, _message in errors] == [(4, "Country")]
    assert not Institution.objects.exists()


def test_clear_messages_for_bad_dates_and_end_before_start():
    make_institution(name="Host", erasmus_code="B  ANTWERP01")
    content = (
        b"Title,Kind,Host,Starts on,Ends on\n"
        b"Backwards,internship,Host,2027-05-10,2027-05-01\n"
        b"Unreadable,internship,Host,next spring,\n"
        b"Nowhere,internship,Atlantis University,2027-05-10,\n"
    )
    errors = result_errors(run_import("x.csv", content))
    assert errors == [
        (2, "Ends on", "The end date cannot be before the start."),
        (
            3,
            "Starts on",
            "“next spring” is not a date. Write it as 2026-03-31 or 31/03/2026, "
            "or use a date cell.",
        ),
        (4, "Host", "No institution has the identifier or name “Atlantis University”."),
    ]
    assert not Exchange.objects.exists()


def test_the_same_identifier_twice_in_a_file_is_an_error():
    content = b"Name,Country,Kind,PIC\nA,BE,school,999884732\nB,BE,school,999 884 732\n"
    errors = result_errors(run_import("x.csv", content))
    assert errors == [(3, "PIC", "Row 2 of this file has the same PIC.")]


def test_headers_in_other_languages_and_field_names():
    content = "naam;pays;Type;erasmus_code\nHogeschool Gent;België;school;B  GENT25\n"
    result = run_import("x.csv", content.encode())
    assert result_errors(result) == []
    school = Institution.objects.get()
    assert (school.name, school.country, school.erasmus_code) == (
        "Hogeschool Gent",
        "BE",
        "B  GENT25",
    )


# Natural keys: updating, not duplicating ------------------------------------


def test_reimporting_updates_records_instead_of_duplicating_them():
    content = (DATA / "institutions_semicolon_bom.csv").read_bytes()
    run_import("partners.csv", content)
    first = dict(Institution.objects.values_list("name_en", "pk"))

    again = run_import("partners.csv", content)
    assert (again.totals["new"], again.totals["update"]) == (0, 0)
    assert again.totals["skip"] == 5  # 4 unchanged, 1 blank

    changed = content.replace(b"Antwerpen;b antwerp01", b"Antwerp;b antwerp01")
    changed = changed.replace(
        b"Hogeschool Rotterdam;;Nederland", b"Hogeschool Rotterdam;;NL"
    )
    result = run_import("partners.csv", changed, replace=True)
    assert (result.totals["new"], result.totals["update"]) == (0, 1)
    assert dict(Institution.objects.values_list("name_en", "pk")) == first
    ap = Institution.objects.get(erasmus_code="B  ANTWERP01")
    assert ap.city == "Antwerp"
    assert ap.history.count() == 2  # created, then updated by the import


def test_rows_match_by_identifier_first_then_by_name_and_country():
    by_code = make_institution(
        name="Lycée hôtelier de Lyon", pic="123456789", country="FR"
    )
    by_name = make_institution(name="Hogeschool Gent", country="BE")
    other_country = make_institution(name="Hogeschool Gent", country="NL")
    content = (
        "Name,Country,Kind,PIC\n"
        "Lycée Hôtelier Lyon,FR,school,123 456 789\n"
        "HOGESCHOOL  GENT,Belgium,school,\n"
    ).encode()
    result = run_import("x.csv", content, replace=True)
    assert result_errors(result) == []
    by_code.refresh_from_db()
    by_name.refresh_from_db()
    other_country.refresh_from_db()
    assert by_code.name == "Lycée Hôtelier Lyon"  # renamed: a similar name
    assert by_name.kind == Institution.Kind.SCHOOL
    assert other_country.kind == Institution.Kind.UNIVERSITY
    assert Institution.objects.count() == 3


def test_identifiers_of_two_different_institutions_in_one_row_are_an_error():
    make_institution(name="A", pic="123456789")
    make_institution(name="B", erasmus_code="B  BRUSSEL01")
    content = b"Name,Country,Kind,PIC,Erasmus code\nA,BE,school,123456789,B BRUSSEL01\n"
    errors = result_errors(run_import("x.csv", content))
    assert {column for _line, column, _message in errors} == {"PIC", "Erasmus code"}


@pytest.fixture
def parties(db):
    """The institutions that tests/data/agreements.csv names."""
    return (
        make_institution(
            name="AP University of Applied Sciences and Arts Antwerp",
            erasmus_code="B  ANTWERP01",
        ),
        make_institution(
            name="Shanghai Conservatory of Music",
            official_name="上海音乐学院",
            schac_code="shcmusic.edu.cn",
            country="CN",
        ),
        make_institution(name="Embassy of China in Belgium", kind="government"),
    )


def test_agreements_with_parties_by_identifier_and_by_name(parties):
    ap, shanghai, embassy = parties
    content = (DATA / "agreements.csv").read_bytes()
    result = run_import("agreements.csv", content, model="agreements")
    assert result_errors(result) == []
    mou = Agreement.objects.get(reference="AP-2026-001")
    parties = {(p.institution, p.role) for p in mou.parties.all()}
    assert parties == {
        (ap, AgreementParty.Role.SIGNATORY),  # by Erasmus code
        (shanghai, AgreementParty.Role.SIGNATORY),  # by its official name
        (embassy, AgreementParty.Role.WITNESS),  # by name
    }
    assert [f.code for f in mou.fields.all()] == ["0215"]
    assert mou.published and mou.status == Agreement.Status.SIGNED
    intent = Agreement.objects.get(reference="AP-2026-002")
    assert set(intent.parties.values_list("institution", flat=True)) == {
        ap.pk,  # by name
        shanghai.pk,  # by SCHAC code
    }
    assert {f.code for f in intent.fields.all()} == {"0915", "0923"}

    # Again: nothing changes; then a party is dropped.
    again = run_import("agreements.csv", content)
    assert again.totals["skip"] == 2
    dropped = content.replace(b"B  ANTWERP01; ", b"")
    errors = result_errors(run_import("agreements.csv", dropped, replace=True))
    assert errors == [(2, "Parties", "A signed agreement needs at least two parties.")]
    assert mou.parties.count() == 3


def test_agreement_party_that_cannot_be_found_or_is_ambiguous():
    make_institution(name="Twin College", country="BE")
    make_institution(name="Twin College", country="NL")
    content = (
        b"Title,Kind,Parties\n"
        b"Twins,framework agreement,Twin College; Nowhere Institute\n"
    )
    errors = result_errors(run_import("x.csv", content, model="agreements"))
    assert [column for _line, column, _message in errors] == ["Parties", "Parties"]
    assert "names several institutions" in errors[0][2]
    assert (
        "No institution has the identifier or name “Nowhere Institute”"
        in (errors[1][2])
    )


def test_exchanges_match_by_slug_or_title_host_and_start():
    host = make_institution(name="Host School")
    exchange = make_exchange(
        title="Summer school",
        host=host,
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2027, 7, 21),
    )
    content = (
        b"Title,Kind,Host,Starts on,Places\nSummer school,internship,Host School,"
        b"2027-07-01,12\n"
    )
    result = run_import("x.csv", content, model="exchanges", replace=True)
    assert result.totals["update"] == 1
    exchange.refresh_from_db()
    assert exchange.places == 12 and exchange.kind == Exchange.Kind.INTERNSHIP
    by_slug = (
        "Title,Kind,Host,Starts on,Slug\n"
        f"Renamed,internship,Host School,2027-07-02,{exchange.slug}\n"
    )
    run_import("y.csv", by_slug.encode(), model="exchanges", replace=True)
    exchange.refresh_from_db()
    assert exchange.title == "Renamed" and Exchange.objects.count() == 1


def test_exchange_partners_and_fields_are_set_from_the_file():
    content = (DATA / "exchanges.csv").read_bytes()
    ap = make_institution(name="AP", erasmus_code="B  ANTWERP01")
    shanghai = make_institution(
        name="Shanghai Conservatory", official_name="上海音乐学院"
    )
    result = run_import("exchanges.csv", content)
    assert result_errors(result) == []
    summer = Exchange.objects.get(title_en="Summer school in music")
    assert summer.host == shanghai
    assert list(summer.partners.all()) == [ap]
    assert list(summer.fields.all()) == [field("0215")]
    teacher = Exchange.objects.get(title_en="Teacher week")
    assert teacher.starts_on == datetime.date(2027, 9, 1)  # 01/09/2027: day first
    assert teacher.mode == Exchange.Mode.ONLINE


# The command line ------------------------------------------------------------------


def call(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_with_progress_and_a_summary(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(ministry_list_xlsx(1200)[0])
    out, err = call(
        str(path), "--country", "CN", "--kind", "school", "--progress-every", "500"
    )
    # 1,200 schools, 19 province headings and a blank line
    assert "500 of 1,220 rows" in out and "1,000 of 1,220 rows" in out
    assert "institutions: 1,220 rows" in out
    assert "1,200 created, 0 updated, 20 skipped" in out
    assert err == ""
    assert Institution.objects.count() == 1200
    school = Institution.objects.order_by("pk").first()
    assert school.history.get().history_type == "+"  # bulk, with history

    out, _err = call(str(path), "--country", "CN", "--kind", "school")
    assert "0 created, 0 updated, 1,220 skipped" in out


def test_command_updates_in_bulk_with_history(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Country,Kind,PIC\nHogeschool Gent,BE,school,123456789\n")
    call(str(path))
    path.write_text(
        "Name,Country,Kind,PIC\nHogeschool Gent (HOGENT),BE,school,123456789\n"
    )
    out, _err = call(str(path), "--replace")
    assert "0 created, 1 updated" in out
    school = Institution.objects.get()
    assert school.name == "Hogeschool Gent (HOGENT)"
    assert list(school.history.values_list("history_type", flat=True)) == ["~", "+"]


def test_command_with_errors_saves_nothing_and_lists_them(tmp_path):
    path = tmp_path / "errors.csv"
    good = "Name,Country,Kind\n" + "".join(
        f"School {n},BE,school\n" for n in range(3000)
    )
    path.write_text(good + "Bad,Narnia,school\n")
    with pytest.raises(CommandError, match="1 error. Nothing was saved."):
        call(str(path), "--model", "institutions", "--progress-every", "1000")
    assert not Institution.objects.exists()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), stdout=StringIO(), stderr=err)
    assert "line 3002, column “Country”: “Narnia” is not a country" in err.getvalue()


def test_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes((DATA / "institutions_semicolon_bom.csv").read_bytes())
    out, _err = call(str(path), "--dry-run")
    assert "4 created" in out and "Dry run: nothing was saved." in out
    assert not Institution.objects.exists()


def test_command_imports_agreements_in_bulk(tmp_path, parties):
    path = tmp_path / "agreements.csv"
    path.write_bytes((DATA / "agreements.csv").read_bytes())
    out, _err = call(str(path))
    assert "agreements: 2 rows" in out
    mou = Agreement.objects.get(reference="AP-2026-001")
    assert mou.parties.count() == 3 and mou.fields.count() == 1
    assert mou.parties.first().history.exists()


# Export -------------------------------------------------------------------------


def export(client, model, resource_class, file_format: str, query: str = ""):
    fields = {
        f"{resource_class.__name__.lower()}_{name}": "on"
        for name in resource_class().get_export_order()
    }
    return client.post(
        admin_url(model, "export") + query,
        {"format": file_format, "resource": "0", **fields},
    )


def test_export_of_a_filtered_changelist_to_csv_and_xlsx(client, viewer):
    make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        name_nl="Conservatorium van Shanghai",
        country="CN",
    )
    make_institution(name="AP Hogeschool", country="BE")
    client.force_login(viewer)
    changelist = client.get(admin_url(Institution, "changelist"), {"country": "CN"})
    assert f"{admin_url(Institution, 'export')}?country=CN" in changelist.text

    response = export(client, Institution, InstitutionResource, "0", "?country=CN")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.startswith("Name,Name (Chinese),Name (Dutch),Name (French)")
    assert len(rows) == 1
    assert rows[0].startswith(
        "Shanghai Conservatory of Music,上海音乐学院,Conservatorium van Shanghai"
    )

    response = export(client, Institution, InstitutionResource, "1", "?country=CN")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("Name", "Name (Chinese)")
    assert [row[:2] for row in values[1:]] == [
        ("Shanghai Conservatory of Music", "上海音乐学院")
    ]


def test_an_export_imports_back_unchanged(client, superuser):
    ap = make_institution(name="AP", erasmus_code="B  ANTWERP01")
    shanghai = make_institution(name="Shanghai Conservatory", country="CN")
    make_exchange(
        title="Summer school",
        host=shanghai,
        partners=[ap],
        fields_of_education=[field("0215")],
    )
    client.force_login(superuser)
    for model, resource_class in (
        (Institution, InstitutionResource),
        (Exchange, ExchangeResource),
    ):
        response = export(client, model, resource_class, "1")
        result = run_import("export.xlsx", response.content)
        assert result_errors(result) == []
        assert result.totals["skip"] == model.objects.count()


def test_agreement_export_lists_parties_and_witnesses(client, superuser):
    ap = make_institution(name="AP")
    shanghai = make_institution(name="Shanghai Conservatory")
    embassy = make_institution(name="Embassy")
    agreement = Agreement.objects.create(
        title="MoU", kind="mou", reference="R-1", status="draft"
    )
    for institution, role in (
        (ap, "signatory"),
        (shanghai, "signatory"),
        (embassy, "witness"),
    ):
        AgreementParty.objects.create(
            agreement=agreement, institution=institution, role=role
        )
    client.force_login(superuser)
    response = export(client, Agreement, AgreementResource, "0")
    text = response.content.decode("utf-8-sig")
    assert ",AP; Shanghai Conservatory,Embassy," in text


def test_interest_registrations_export_defuses_spreadsheet_formulas(client, viewer):
    exchange = make_exchange()
    Interest.objects.create(
        exchange=exchange,
        name='=HYPERLINK("http://evil.example","click")',
        email="li@example.org",
        consent=True,
    )
    client.force_login(viewer)
    response = client.post(
        admin_url(Interest, "export"),
        {
            "format": "1",
            "resource": "0",
            **{f"interestresource_{name}": "on" for name in ("name", "email")},
        },
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.values) == [
        ("Name", "E-mail"),
        ('\'=HYPERLINK("http://evil.example","click")', "li@example.org"),
    ]
    assert sheet["A2"].data_type == "s"  # text, not a formula


def test_export_runs_a_fixed_number_of_queries(
    client, superuser, django_assert_max_num_queries
):
    client.force_login(superuser)
    partners = [make_institution(), make_institution()]
    for _ in range(30):
        make_exchange(partners=partners, fields_of_education=[field("0215")])
    with django_assert_max_num_queries(12):
        response = export(client, Exchange, ExchangeResource, "0")
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 31


def test_agreement_responsible_by_user_name_or_e_mail(editor):
    content = (
        b"Title,Kind,Responsible\n"
        b"One,mou,EDITOR\n"
        b"Two,mou,editor@example.org\n"
        b"Three,mou,nobody\n"
    )
    errors = result_errors(run_import("x.csv", content, model="agreements"))
    assert errors == [
        (4, "Responsible", "No staff member has the user name or e-mail “nobody”.")
    ]
    content = content.replace(b"Three,mou,nobody\n", b"")
    assert result_errors(run_import("x.csv", content, model="agreements")) == []
    assert {a.responsible for a in Agreement.objects.all()} == {editor}


def test_admin_import_records_fields_of_education_in_the_history(client, editor):
    make_institution(name="Host School")
    client.force_login(editor)
    content = (
        b"Title,Kind,Host,Starts on,Fields of education\n"
        b"Summer school,internship,Host School,2027-07-01,0215\n"
    )
    preview = upload(client, Exchange, "x.csv", content)
    confirm(client, Exchange, preview)
    exchange = Exchange.objects.get()
    assert [f.code for f in exchange.fields.all()] == ["0215"]
    latest = exchange.history.latest()
    assert [f.fieldofeducation.code for f in latest.fields.all()] == ["0215"]


# Real lists: Hipo's world universities, the Commission's charter list --------


def test_world_universities_csv_headers_countries_and_web_pages_are_understood():
    content = (
        "name,country,alpha_two_code,state-province,web_pages,domains\n"
        'Moscow State University,Russian Federation,RU,,"[""http://www.msu.ru/""]",'
        '"[""msu.ru""]"\n'
        'Seoul National University,"Korea, Republic of",KR,Seoul,'
        "http://www.snu.ac.kr/,snu.ac.kr\n"
        "Pädagogische Hochschule Niederösterreich,,AT,Lower Austria,,ph-noe.ac.at\n"
    )
    result = run_import(
        "world_universities_and_domains.csv",
        content.encode(),
        defaults={"Kind": "university"},
    )
    assert result_errors(result) == []
    rows = Institution.objects.order_by("name_en").values_list(
        "name_en", "country", "region", "website"
    )
    assert list(rows) == [
        ("Moscow State University", "RU", "", "http://www.msu.ru/"),
        (
            "Pädagogische Hochschule Niederösterreich",
            "AT",  # alpha_two_code where the country is blank
            "Lower Austria",
            "https://ph-noe.ac.at",  # the domain where there is no website
        ),
        ("Seoul National University", "KR", "Seoul", "http://www.snu.ac.kr/"),
    ]


def test_erasmus_charter_xlsx_with_a_blank_first_row_is_understood():
    content = xlsx(
        [
            [None],
            [
                "Legal Name",
                "Erasmus Code",
                "PIC",
                "Country Cd",
                "City",
                "Street",
                "Website Url",
            ],
            [
                "PAEDAGOGISCHE HOCHSCHULE NIEDEROESTERREICH",
                "A  BADEN03",
                "949594395",
                "AT",
                "Baden",
                "Mühlgasse 67",
                "www.ph-noe.ac.at",
            ],
            [
                "PANEPISTIMIO PATRON",
                "G  PATRA01",
                "999865040",
                "EL",
                "Rio Patras",
                "University Campus",
                "https://www.upatras.gr;https://www.upatras.gr/en",
            ],
        ]
    )
    result = run_import("ECHE-list.xlsx", content, defaults={"Kind": "university"})
    assert result_errors(result) == []
    rows = Institution.objects.order_by("erasmus_code").values_list(
        "name_en", "erasmus_code", "pic", "country", "city", "address", "website"
    )
    assert list(rows) == [
        (
            "PAEDAGOGISCHE HOCHSCHULE NIEDEROESTERREICH",
            "A  BADEN03",
            "949594395",
            "AT",
            "Baden",
            "Mühlgasse 67",
            "https://www.ph-noe.ac.at",
        ),
        (
            "PANEPISTIMIO PATRON",
            "G  PATRA01",
            "999865040",
            "GR",
            "Rio Patras",
            "University Campus",
            "https://www.upatras.gr",
        ),
    ]


def test_headers_ignore_case_spaces_hyphens_and_underscores():
    content = (
        "LEGAL_NAME;countrycd;State Province;WEBSITE-URL;Kind\n"
        "A;BE;Flanders;a.be;school\n"
    )
    result = run_import("x.csv", content.encode())
    assert result_errors(result) == []
    school = Institution.objects.get()
    assert (school.name, school.country, school.region, school.website) == (
        "A",
        "BE",
        "Flanders",
        "https://a.be",
    )


def test_two_columns_for_one_field_are_refused_but_a_fallback_is_not():
    both = run_import(
        "x.csv", b"Legal Name,Organisation name,Country,Kind\nA,A,BE,school\n"
    )
    assert [message for _line, _column, message in result_errors(both)] == [
        "The columns “Legal Name” and “Organisation name” both give “Name”. "
        "Remove one of them."
    ]
    codes = run_import(
        "x.csv", b"Name,country_code,alpha_two_code,Kind\nA,BE,BE,school\n"
    )
    assert "both give “Country”" in result_errors(codes)[0][2]
    assert not Institution.objects.exists()


def test_domains_never_replace_a_website_the_row_gives():
    content = (
        b"Name,Country,Kind,Website,domains\nA,BE,school,https://www.a.be/,a-old.be\n"
    )
    result = run_import("x.csv", content)
    assert result_errors(result) == []
    assert Institution.objects.get().website == "https://www.a.be/"


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Russian Federation", "RU"),
        ("Korea, Republic of", "KR"),
        ("Korea (the Republic of)", "KR"),
        ("Taiwan, Province of China", "TW"),
        ("Tanzania, United Republic of", "TZ"),
        ("Holy See", "VA"),
        ("Russie, Fédération de", "RU"),  # ISO's official name in French
        ("EL", "GR"),  # the European Union's codes
        ("UK", "GB"),
        ("XK", "XK"),  # Kosovo, a user-assigned code
        ("XKX", "XK"),
        ("Kosovo", "XK"),
        ("科索沃", "XK"),
    ],
)
def test_iso_official_names_eu_codes_and_kosovo_are_countries(cell, code):
    content = f'Name,Country,Kind\nA,"{cell}",school\n'
    result = run_import("x.csv", content.encode())
    assert result_errors(result) == []
    assert Institution.objects.get().country == code


def test_an_unknown_country_names_the_value_and_the_fix():
    result = run_import("x.csv", b"Name,Country,Kind\nA,Atlantis,school\n")
    assert result_errors(result) == [
        (
            2,
            "Country",
            "“Atlantis” is not a country the registry knows. Give its ISO code "
            "(BE, CN) or its name in English, Chinese, Dutch or French.",
        )
    ]


def test_several_web_addresses_keep_the_first_and_the_result_says_so():
    content = (
        "Name,Country,Kind,Website Url\n"
        "A,BE,school,www.a.be; www.a.eu\n"
        'B,BE,school,"https://b.be/nl, https://b.be/fr"\n'
        "C,BE,school,https://c.be/ https://c.eu/\n"
        "D,BE,school,www.d.be\n"
    )
    result = run_import("x.csv", content.encode())
    assert result_errors(result) == []
    assert dict(Institution.objects.values_list("name_en", "website")) == {
        "A": "https://www.a.be",
        "B": "https://b.be/nl",
        "C": "https://c.be/",
        "D": "https://www.d.be",
    }
    assert result.notes() == [
        (
            2,
            "Website Url",
            "The cell gives several web addresses (www.a.be, www.a.eu): the "
            "first, https://www.a.be, is kept as the website.",
        ),
        (
            3,
            "Website Url",
            "The cell gives several web addresses (https://b.be/nl, "
            "https://b.be/fr): the first, https://b.be/nl, is kept as the "
            "website.",
        ),
        (
            4,
            "Website Url",
            "The cell gives several web addresses (https://c.be/, "
            "https://c.eu/): the first, https://c.be/, is kept as the website.",
        ),
    ]


def test_a_website_without_a_scheme_imports_back_unchanged():
    run_import("x.csv", b"Name,Country,Kind,Website\nA,BE,school,www.a.be\n")
    again = run_import("x.csv", b"Name,Country,Kind,Website\nA,BE,school,www.a.be\n")
    assert result_errors(again) == []
    assert again.totals["skip"] == 1
    assert Institution.objects.get().website == "https://www.a.be"


def test_a_website_that_is_not_an_address_is_still_an_error():
    result = run_import(
        "x.csv", b"Name,Country,Kind,Website\nA,BE,school,not an address\n"
    )
    assert [column for _line, column, _message in result_errors(result)] == ["Website"]


def test_the_preview_says_which_of_several_web_addresses_is_kept(client, editor):
    client.force_login(editor)
    content = "Name,Country,Kind,Website Url\nA,BE,school,www.a.be;www.a.eu\n"
    preview = upload(client, Institution, "x.csv", content.encode())
    assert preview_errors(preview) == []
    assert [str(message) for message in preview.context["messages"]] == [
        "Line 2, column “Website Url”: The cell gives several web addresses "
        "(www.a.be, www.a.eu): the first, https://www.a.be, is kept as the "
        "website."
    ]
    confirm(client, Institution, preview)
    assert Institution.objects.get().website == "https://www.a.be"


def test_the_preview_lists_twenty_notes_then_counts_the_others(client, editor):
    client.force_login(editor)
    rows = "".join(f"S{n},BE,school,s{n}.be s{n}.eu\n" for n in range(22))
    content = "Name,Country,Kind,Website\n" + rows
    preview = upload(client, Institution, "x.csv", content.encode())
    listed = [str(message) for message in preview.context["messages"]]
    assert len(listed) == 21
    assert listed[0].startswith("Line 2, column “Website”: ")
    assert listed[-1] == "... and 2 more notes like these."


def test_command_says_which_of_several_web_addresses_it_kept(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Country,Kind,Website Url\nA,BE,school,www.a.be; www.a.eu\n")
    out, err = call(str(path))
    assert "1 created" in out
    assert "Line 2, column “Website Url”: The cell gives several web addresses" in err
    assert "www.a.eu" in err
    assert Institution.objects.get(name_en="A").website == "https://www.a.be"
