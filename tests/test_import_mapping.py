"""The import's column mapping (issue 8, §2): the admin's mapping step before
the preview, the mapping remembered for the next file with the same headers,
and ``import_records --map``."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.utils import timezone, translation
from django.utils.formats import date_format

from cooperation.models import ImportMapping, Institution
from cooperation.transfer import InstitutionResource, records_import
from tests.factories import make_user
from tests.test_import import (
    CSV_FORMAT,
    MAPPING_TEMPLATE,
    admin_url,
    call,
    confirm,
    mapping_step_data,
    submit_mapping,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

# Laid out like the Commission's list of Erasmus charter holders, with two
# columns the registry does not know.
ERASMUS_CSV = (
    "Legal Name,Erasmus Code,PIC,Country Cd,Street 2,Remarks\n"
    "PAEDAGOGISCHE HOCHSCHULE NIEDEROESTERREICH,A  BADEN03,949594395,AT,"
    "Mühlgasse 67,charter 2021\n"
    "PANEPISTIMIO PATRON,G  PATRA01,999865040,EL,University Campus,\n"
    "UNIVERSITAET WIEN,A  WIEN01,999909425,AT,,new charter\n"
    "TECHNISCHE UNIVERSITAET GRAZ,A  GRAZ02,999902538,AT,Rechbauerstraße 12,\n"
).encode()


def guesses(page) -> dict[str, str]:
    """Each column of the mapping form and the field it is pre-filled with."""
    form = page.context["form"]
    return {column.header: field.value() for column, field in form.column_rows()}


# The admin ----------------------------------------------------------------------


def test_unrecognised_columns_are_mapped_before_the_preview(client, editor):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    assert page.status_code == 200
    assert MAPPING_TEMPLATE in [t.name for t in page.templates]
    assert "confirm_form" not in page.context and "result" not in page.context
    # Every column, pre-filled with the best guess; "ignore" for the unknown.
    assert guesses(page) == {
        "Legal Name": "Name",
        "Erasmus Code": "Erasmus code",
        "PIC": "PIC",
        "Country Cd": "Country",
        "Street 2": "",
        "Remarks": "",
    }
    unrecognised = [c.header for c in page.context["form"].columns if not c.recognised]
    assert unrecognised == ["Street 2", "Remarks"]
    # A sample of each column's first non-empty values.
    street = next(c for c in page.context["form"].columns if c.header == "Street 2")
    assert street.samples == ("Mühlgasse 67", "University Campus", "Rechbauerstraße 12")
    assert "Rechbauerstraße 12" in page.text
    assert "(ignore this column)" in page.text
    assert not Institution.objects.exists()

    preview = submit_mapping(client, Institution, page, **{"Street 2": "Address"})
    assert "confirm_form" in preview.context
    assert [str(m) for m in preview.context["messages"]] == ["Ignored columns: Remarks"]
    assert not Institution.objects.exists()  # the preview saves nothing
    assert confirm(client, Institution, preview).status_code == 302
    rows = Institution.objects.order_by("erasmus_code").values_list(
        "erasmus_code", "country", "address", "kind", "description"
    )
    assert list(rows) == [
        ("A  BADEN03", "AT", "Mühlgasse 67", "university", ""),
        ("A  GRAZ02", "AT", "Rechbauerstraße 12", "university", ""),
        ("A  WIEN01", "AT", "", "university", ""),
        ("G  PATRA01", "GR", "University Campus", "university", ""),
    ]


def test_a_wrong_guess_is_corrected_and_a_known_column_ignored(client, editor):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    preview = submit_mapping(
        client,
        Institution,
        page,
        PIC="",
        Remarks="Description",
        **{"Street 2": "Address"},
    )
    messages = [str(m) for m in preview.context["messages"]]
    assert "Ignored columns: PIC" in messages
    confirm(client, Institution, preview)
    baden = Institution.objects.get(erasmus_code="A  BADEN03")
    assert (baden.pic, baden.description) == ("", "charter 2021")


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_headers(
    client, editor
):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    submit_mapping(client, Institution, page, **{"Street 2": "Address"})
    saved = ImportMapping.objects.get()
    assert (saved.model, saved.saved_by) == ("institution", editor)
    assert saved.mapping == {
        "Legal Name": "Name",
        "Erasmus Code": "Erasmus code",
        "PIC": "PIC",
        "Country Cd": "Country",
        "Street 2": "Address",
        "Remarks": "",
    }

    # Next year's list: the same headers, spelt and ordered otherwise.
    next_year = (
        "REMARKS;street_2;legal-name;Erasmus Code;pic;country cd\n"
        ";Universitätsring 1;UNIVERSITAET WIEN;A  WIEN01;999909425;AT\n"
    ).encode()
    preview = upload(client, Institution, "eche-2027.csv", next_year, kind="university")
    assert "confirm_form" in preview.context  # straight to the preview
    messages = [str(m) for m in preview.context["messages"]]
    saved_on = date_format(timezone.localdate())
    assert (
        f"Using the column mapping saved on {saved_on}. To change it," in (messages[0])
    )
    assert "Ignored columns: REMARKS" in messages
    confirm(client, Institution, preview)
    assert Institution.objects.get().address == "Universitätsring 1"


def test_a_remembered_mapping_pre_fills_the_form_when_asked_to_check(client, editor):
    InstitutionResource.remember_mapping(
        {
            "Legal Name": "Name",
            "Erasmus Code": "Erasmus code",
            "PIC": "PIC",
            "Country Cd": "Country",
            "Street 2": "Address",
            "Remarks": "Description",
        }
    )
    client.force_login(editor)
    page = client.post(
        admin_url(Institution, "import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("eche.csv", ERASMUS_CSV),
            "default_kind": "university",
            "choose_columns": "on",  # "check what each column gives"
        },
    )
    assert MAPPING_TEMPLATE in [t.name for t in page.templates]
    assert guesses(page)["Street 2"] == "Address"
    assert guesses(page)["Remarks"] == "Description"
    assert "Pre-filled with the mapping saved on" in page.text
    # Changed, and remembered as changed.
    preview = submit_mapping(client, Institution, page, Remarks="")
    assert "confirm_form" in preview.context
    assert ImportMapping.objects.get().mapping["Remarks"] == ""


def test_a_file_whose_headers_are_all_known_goes_straight_to_the_preview(
    client, editor
):
    client.force_login(editor)
    content = b"Name,Country,Kind\nHogeschool Gent,BE,school\n"
    preview = upload(client, Institution, "gent.csv", content)
    assert "confirm_form" in preview.context
    assert not ImportMapping.objects.exists()


def test_two_columns_for_one_field_are_an_error_naming_both(client, editor):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    again = submit_mapping(
        client, Institution, page, **{"Street 2": "Address", "Remarks": "Address"}
    )
    assert MAPPING_TEMPLATE in [t.name for t in again.templates]
    assert again.context["form"].non_field_errors() == [
        "The columns “Street 2” and “Remarks” both give “Address”: choose another "
        "field for one of them, or ignore it."
    ]
    assert "both give" in again.text
    assert not ImportMapping.objects.exists()
    assert not Institution.objects.exists()
    # The choices stay as made, and correcting them goes on to the preview.
    assert guesses(again)["Remarks"] == "Address"
    preview = submit_mapping(client, Institution, again, Remarks="")
    assert "confirm_form" in preview.context


def test_a_fallback_column_may_stand_beside_its_column(client, editor):
    client.force_login(editor)
    content = b"Name,Country,Country Cd,Kind,Notes\nA,,BE,school,x\n"
    page = upload(client, Institution, "x.csv", content)
    assert guesses(page)["Country"] == "Country"
    assert guesses(page)["Country Cd"] == "Country"
    preview = submit_mapping(client, Institution, page)
    confirm(client, Institution, preview)
    assert Institution.objects.get().country == "BE"


def test_a_mapping_that_leaves_out_a_required_column_says_so_on_the_mapping_page(
    client, editor
):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    again = submit_mapping(client, Institution, page, **{"Legal Name": ""})
    assert again.status_code == 200
    assert MAPPING_TEMPLATE in [t.name for t in again.templates]
    assert "confirm_form" not in again.context
    assert "Name" in " ".join(again.context["form"].non_field_errors())
    assert "Traceback" not in again.text
    assert not Institution.objects.exists()


def test_a_blank_first_row_xlsx_is_mapped_line_by_line(client, editor):
    client.force_login(editor)
    content = xlsx(
        [
            [None],
            ["Legal Name", "Erasmus Code", "Country Cd", "Street 2", "Remarks"],
            ["PANEPISTIMIO PATRON", "G  PATRA01", "EL", "University Campus", None],
            ["UNIVERSITAET WIEN", "A  WIEN01", "XX", None, "new"],
        ]
    )
    page = upload(client, Institution, "eche.xlsx", content, kind="university")
    assert list(guesses(page)) == [
        "Legal Name",
        "Erasmus Code",
        "Country Cd",
        "Street 2",
        "Remarks",
    ]
    preview = submit_mapping(client, Institution, page, **{"Street 2": "Address"})
    # Line 4 of the workbook: the blank first row and the headers counted.
    result = preview.context["result"]
    assert [
        (result.line(row.number), list(row.error_dict)) for row in result.invalid_rows
    ] == [(4, ["Country Cd"])]


def test_tampered_columns_are_refused_with_a_message(client, editor):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    data = mapping_step_data(page)
    data["file_columns"] = "tampered"
    again = client.post(admin_url(Institution, "import"), data)
    assert again.status_code == 200
    assert "upload the file again" in " ".join(again.context["form"].non_field_errors())


def test_a_mapping_step_whose_file_is_gone_says_to_upload_it_again(client, editor):
    client.force_login(editor)
    page = upload(client, Institution, "eche.csv", ERASMUS_CSV, kind="university")
    preview = submit_mapping(client, Institution, page)
    confirm(client, Institution, preview)  # the temporary file is removed
    again = submit_mapping(client, Institution, page)
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "The uploaded file is no longer available: upload it again."
    ]


def test_the_choices_are_the_registry_fields_in_the_staff_language():
    with translation.override("fr"):
        labels = dict(InstitutionResource.column_choices())
    assert labels["Name (Chinese)"].casefold() == "nom (chinois simplifié)"
    assert labels["Erasmus code"] != "" and "Slug" in labels


# The command line ---------------------------------------------------------------


def test_command_takes_a_mapping_and_lists_the_columns_it_ignores(tmp_path):
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    out, _err = call(
        str(path),
        "--kind",
        "university",
        "--map",
        "Remarks=description, pic=ignore",
    )
    assert "Ignored columns: PIC, Street 2" in out
    assert "4 created" in out
    baden = Institution.objects.get(erasmus_code="A  BADEN03")
    assert (baden.pic, baden.description, baden.address) == ("", "charter 2021", "")


def test_command_map_takes_a_field_by_its_header_or_attribute_name(tmp_path):
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    call(
        str(path),
        "--kind",
        "university",
        "--map",
        "LEGAL NAME=name_en,Street 2=Address,Remarks=official name",
    )
    wien = Institution.objects.get(erasmus_code="A  WIEN01")
    assert (wien.name, wien.official_name) == ("UNIVERSITAET WIEN", "new charter")


def test_command_refuses_an_unknown_field_and_lists_the_fields(tmp_path):
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    with pytest.raises(CommandError) as error:
        call(str(path), "--kind", "university", "--map", "Street 2=street address")
    message = str(error.value)
    assert "“street address” is not a field of institutions" in message
    assert "Address (address)" in message and "Erasmus code (erasmus_code)" in message
    assert not Institution.objects.exists()
    assert not ImportMapping.objects.exists()


def test_command_refuses_a_column_the_file_lacks_and_lists_its_columns(tmp_path):
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    with pytest.raises(CommandError) as error:
        call(str(path), "--kind", "university", "--map", "Street=address")
    assert str(error.value) == (
        "The file has no column “Street”. Its columns are: Legal Name, "
        "Erasmus Code, PIC, Country Cd, Street 2, Remarks."
    )


def test_command_refuses_a_map_that_is_not_pairs(tmp_path):
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    with pytest.raises(CommandError) as error:
        call(str(path), "--map", "Street 2")
    assert "Street 2" in str(error.value) and "column=field" in str(error.value)


def test_command_remembers_a_mapping_and_uses_it_next_time(tmp_path):
    make_user("importer")
    path = tmp_path / "eche.csv"
    path.write_bytes(ERASMUS_CSV)
    # A dry run remembers nothing.
    call(str(path), "--kind", "university", "--map", "Street 2=address", "--dry-run")
    assert not ImportMapping.objects.exists()
    call(
        str(path),
        "--kind",
        "university",
        "--map",
        "Street 2=address",
        "--user",
        "importer",
    )
    saved = ImportMapping.objects.get()
    assert saved.saved_by.username == "importer"
    ImportMapping.objects.update(
        saved_on=datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)
    )
    Institution.objects.all().delete()
    out, _err = call(str(path), "--kind", "university")
    assert "Using the column mapping saved on 2026-05-04." in out
    assert "Ignored columns: Remarks" in out
    assert Institution.objects.get(erasmus_code="A  BADEN03").address == "Mühlgasse 67"


def test_records_import_applies_the_mapping_in_the_resource():
    records_import(
        data=ERASMUS_CSV,
        file_name="eche.csv",
        defaults={"Kind": "university"},
        mapping={"street 2": "Address"},
    )
    assert Institution.objects.filter(address="Mühlgasse 67").exists()
