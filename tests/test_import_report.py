"""What an import reports (cooperation/transfer/report.py): errors grouped
by column and message with a count and the first lines, in the admin's
preview and on the command line; errors of the file as a whole as messages,
never a traceback; a value the whole file lacks said once; ``import_records
--errors-csv``; likely duplicates and conflicts on the command line."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperation.models import Institution
from tests.factories import make_institution

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin import form's choices
ATLANTIS = "“Atlantis” is not a country the registry knows."
KINDS = (
    "school, university, conservatory, rehabilitation, company, government, "
    "international, alliance, training"
)


def upload(client, content: bytes, name: str = "list.csv", **fields):
    """Step one of the admin's import of institutions: the preview."""
    return client.post(
        reverse("admin:cooperation_institution_import"),
        {
            "resource": "0",
            "format": XLSX_FORMAT if name.endswith(".xlsx") else CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content),
            **fields,
        },
    )


def call(path, *args) -> tuple[str, str]:
    """``import_records`` on ``path``: (stdout, stderr); raises CommandError
    with the summary when nothing was saved."""
    out, err = StringIO(), StringIO()
    call_command("import_records", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def call_failing(path, *args) -> tuple[str, str]:
    """``import_records`` that saves nothing: (summary, stderr)."""
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_records", str(path), *args, stdout=StringIO(), stderr=err)
    return str(raised.value), err.getvalue()


def text_of(html: str) -> str:
    """A page's text, tags and runs of spaces removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def bad_countries_file() -> bytes:
    """30 rows with an unknown country on lines 2-31, one unknown kind on
    line 32, and 5 rows with another unknown country on lines 33-37."""
    rows = [f"School {n},Atlantis,school" for n in range(30)]
    rows.append("Castle School,BE,castle")
    rows += [f"Academy {n},Narnia,school" for n in range(5)]
    return ("Name,Country,Kind\n" + "\n".join(rows) + "\n").encode()


# Errors grouped by column and message ---------------------------------------------


def test_preview_groups_errors_by_column_and_message_most_rows_first(client, editor):
    client.force_login(editor)

    response = upload(client, bad_countries_file())

    groups = response.context["problem_groups"]
    assert [(g.column, g.message.split(" Give")[0], g.count) for g in groups] == [
        ("Country", ATLANTIS, 30),
        ("Country", "“Narnia” is not a country the registry knows.", 5),
        ("Kind", groups[2].message, 1),
    ]
    assert groups[2].message.startswith("“castle” is not one of: school")
    table = response.text[response.text.index("import-problem-groups") :]
    table = text_of(table[: table.index("</table>")])
    assert f"Country {ATLANTIS}" in table
    assert " 30 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …" in table
    assert " 5 33, 34, 35, 36, 37 " in table
    assert " 1 32" in table
    assert "confirm_form" not in response.context
    assert not Institution.objects.exists()


def test_preview_lists_the_first_errors_one_by_one_and_counts_the_others(
    client, editor
):
    client.force_login(editor)
    rows = "".join(f"School {n},Atlantis,school\n" for n in range(250))

    response = upload(client, f"Name,Country,Kind\n{rows}".encode())

    page = response.text
    assert page.count('class="import-row-error"') == 200
    assert "... and 50 more errors, counted in the groups above." in page
    [group] = response.context["problem_groups"]
    assert group.count == 250


def test_command_groups_errors_by_column_and_message_with_count_and_lines(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(bad_countries_file())

    summary, err = call_failing(path)

    lines = err.splitlines()
    assert lines[0].startswith(f"column “Country”: {ATLANTIS}")
    assert lines[0].endswith(" — 30 rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …")
    assert lines[1].startswith("column “Country”: “Narnia” is not a country")
    assert lines[1].endswith(" — 5 rows: 33, 34, 35, 36, 37")
    assert lines[2].startswith("line 32, column “Kind”: “castle” is not one of")
    assert len(lines) == 3
    assert "36 errors. Nothing was saved." in summary
    assert not Institution.objects.exists()


def test_every_message_shows_the_offending_value(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "Name,Country,Kind,E-mail,PIC,Year founded,Latitude,Longitude,Published\n"
        "A,BE,school,office@,12,MCMXC,north,4.4,maybe\n"
    )

    _summary, err = call_failing(path)

    for expected in (
        "column “E-mail”: “office@”: Enter a valid email address.",
        "column “PIC”: “12”: Enter a PIC",
        "column “Year founded”: “MCMXC” is not a whole number. Write it in digits",
        "column “Latitude”: “north” is not a number of degrees. Write decimal",
        "column “Published”: “maybe” is not yes or no. Write yes or no",
    ):
        assert expected in err


# Errors of the file as a whole --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (
            b"Legal name,City\nA,Gent\n",
            "default_country",  # a value the form can give: asked there
            "No row of the file gives a country: choose “Country for rows "
            "without one” in the form, or add a column “Country”.",
        ),
        (
            b"City,Country,Kind\nGent,BE,school\n",
            "import_file",
            "The file has no column “Name”",
        ),
    ],
)
def test_file_level_errors_are_form_errors_never_a_traceback(
    client, editor, content, field, message
):
    client.force_login(editor)

    response = upload(client, content)

    assert response.status_code == 200
    page = response.text
    assert "Traceback" not in page and 'class="traceback"' not in page
    assert response.context["form"].errors[field][0].startswith(message)
    assert "The file cannot be imported: nothing was saved" in page
    assert "confirm_form" not in response.context


def test_missing_column_names_its_accepted_headers(client, editor):
    client.force_login(editor)

    response = upload(client, b"City,Country,Kind\nGent,BE,school\n")

    [error] = response.context["form"].errors["import_file"]
    assert error == (
        "The file has no column “Name”: add one, or head the column that gives "
        "it “Name”. Also accepted: “institution”, “institution name”, “english "
        "name”, “legal name”, “organisation name”, “organization name”."
    )


def test_an_unreadable_file_is_a_form_error(client, editor):
    client.force_login(editor)

    response = upload(client, b"PK\x03\x04not really a workbook", name="list.xlsx")

    [error] = response.context["form"].errors["import_file"]
    assert error.startswith("This file cannot be read as CSV or as an Excel workbook")
    assert "Traceback" not in response.text


def test_a_workbook_uploaded_as_csv_says_to_choose_xlsx(client, editor):
    client.force_login(editor)
    workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe"

    response = upload(client, workbook, name="list.csv")

    [error] = response.context["form"].errors["import_file"]
    assert "This file is an Excel workbook: choose the format “xlsx”" in error


def test_command_summary_of_a_file_level_error_says_nothing_was_imported(tmp_path):
    path = tmp_path / "list.csv"
    rows = "Gent,BE,school\n" * 10_251
    path.write_text(f"City,Country,Kind\n{rows}")

    summary, err = call_failing(path)

    assert summary == (
        "institutions: nothing imported — The file has no column “Name”: add one, "
        "or head the column that gives it “Name”. Also accepted: “institution”, "
        "“institution name”, “english name”, “legal name”, “organisation name”, "
        "“organization name”."
    )
    assert "skipped" not in summary
    assert err.startswith("file: The file has no column “Name”")


def test_command_summary_of_an_unreadable_file(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("Name;Country;Kind\nÉcole;FR;school\n".encode("latin-1"))

    summary, err = call_failing(path)

    assert summary == (
        "list.csv: nothing imported — This file is not UTF-8 text. In Excel, "
        "save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
    )
    assert err == (
        "file: This file is not UTF-8 text. In Excel, save it as “CSV UTF-8” or "
        "as an Excel workbook (.xlsx).\n"
    )


def test_command_summary_of_an_empty_file(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"")

    summary, _err = call_failing(path)

    assert (
        summary
        == "list.csv: nothing imported — The file is empty: it has no header line."
    )


# A value that the whole file lacks: said once ----------------------------------------


def test_preview_asks_once_for_a_kind_that_no_row_gives(client, editor):
    client.force_login(editor)
    rows = "".join(f"School {n},BE\n" for n in range(40))

    response = upload(client, f"Name,Country\n{rows}".encode())

    form = response.context["form"]
    assert form.errors["default_kind"] == [
        "No row of the file gives a kind: choose “Kind for rows without one” in "
        "the form, or add a column “Kind”."
    ]
    assert "import_file" not in form.errors
    assert response.context["problem_groups"] == []
    assert "Traceback" not in response.text


def test_preview_asks_once_for_a_kind_when_the_kind_column_is_blank(client, editor):
    client.force_login(editor)
    rows = "".join(f"School {n},BE,\n" for n in range(40))

    response = upload(client, f"Name,Country,Type\n{rows}Bad,Atlantis,\n".encode())

    form = response.context["form"]
    assert form.errors["default_kind"] == [
        "No row of the file gives a kind: choose “Kind for rows without one” in "
        "the form, or fill in the column “Type”."
    ]
    # The rows' other errors are listed; none says the kind is blank.
    groups = response.context["problem_groups"]
    assert [(group.column, group.lines) for group in groups] == [("Country", (42,))]


def test_preview_with_a_kind_chosen_for_the_file_imports_it(client, editor):
    client.force_login(editor)
    rows = "".join(f"School {n},BE\n" for n in range(3))

    response = upload(client, f"Name,Country\n{rows}".encode(), default_kind="school")

    assert "confirm_form" in response.context
    assert response.context["result"].totals["new"] == 3


def test_a_row_without_a_kind_among_others_says_how_to_give_one(client, editor):
    client.force_login(editor)

    response = upload(client, b"Name,Country,Kind\nA,BE,school\nB,BE,\n")

    [group] = response.context["problem_groups"]
    assert (group.column, group.lines) == ("Kind", (3,))
    assert group.message.endswith(
        "Give one, or choose “Kind for rows without one” in the form."
    )
    assert "default_kind" not in response.context["form"].errors


def test_command_asks_once_for_a_kind_that_no_row_gives(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Country\n" + "".join(f"S{n},BE\n" for n in range(40)))

    summary, err = call_failing(path)

    message = (
        "No row of the file gives a kind: use --kind school (one of: "
        f"{KINDS}), or add a column “Kind”."
    )
    assert err == f"file: {message}\n"
    assert summary == f"institutions: nothing imported — {message}"

    out, _err = call(path, "--kind", "school")
    assert "40 created" in out


def test_command_asks_once_for_a_kind_when_the_kind_column_is_blank(tmp_path):
    path = tmp_path / "list.csv"
    rows = "".join(f"S{n},BE,\n" for n in range(40))
    path.write_text(f"Name,Country,Kind\n{rows}Bad,Atlantis,\n")

    summary, err = call_failing(path)

    lines = err.splitlines()
    assert lines[0] == (
        "file: No row of the file gives a kind: use --kind school (one of: "
        f"{KINDS}), or fill in the column “Kind”."
    )
    assert lines[1].startswith(f"line 42, column “Country”: {ATLANTIS}")
    assert len(lines) == 2
    assert "2 errors. Nothing was saved." in summary


def test_command_asks_for_a_country_as_an_iso_code(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Kind\nA,school\n")

    summary, _err = call_failing(path)

    assert summary == (
        "institutions: nothing imported — No row of the file gives a country: "
        "use --country and the ISO code of the country, e.g. --country BE, or "
        "add a column “Country”."
    )


# The full list of errors as CSV ---------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_errors_csv_beside_the_file_lists_every_error(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(bad_countries_file())

    _summary, err = call_failing(path, "--errors-csv")

    written = tmp_path / "list.csv.errors.csv"
    assert f"36 errors written to {written}." in err
    rows = read_csv(written.read_bytes())
    assert rows[0] == ["Line", "Column", "Value", "Error"]
    assert len(rows) == 37
    assert rows[1][:3] == ["2", "Country", "Atlantis"]
    assert rows[1][3].startswith(ATLANTIS)
    assert rows[31][:3] == ["32", "Kind", "castle"]
    assert [row[0] for row in rows[1:]] == [str(line) for line in range(2, 38)]


def test_errors_csv_at_a_path_with_values_defused_and_file_errors(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Country,Kind,E-mail\nA,BE,school,=HYPERLINK(1)\n")
    target = tmp_path / "report" / "errors.csv"
    target.parent.mkdir()

    call_failing(path, "--errors-csv", str(target))

    [_header, row] = read_csv(target.read_bytes())
    assert row[:3] == ["2", "E-mail", "'=HYPERLINK(1)"]
    assert "Enter a valid email address." in row[3]

    path.write_text("Name,City\nA,Gent\n")
    call_failing(path, "--errors-csv", str(target))
    rows = read_csv(target.read_bytes())
    assert [row[:3] for row in rows[1:]] == [["", "Country", ""], ["", "Kind", ""]]
    assert rows[1][3].startswith("No row of the file gives a country")


# Likely duplicates and conflicts on the command line ----------------------------


def test_command_reports_likely_duplicates_and_conflicts_as_the_preview(tmp_path):
    conservatory = make_institution(
        name="Shanghai Conservatory of Music", country="CN", city="Shanghai"
    )
    bocuse = make_institution(
        name="Institut Paul Bocuse", country="FR", erasmus_code="F  LYON121"
    )
    path = tmp_path / "list.csv"
    path.write_text(
        "Name,Country,Kind,Erasmus code\n"
        "Shanghai Conservatory of Musics,China,conservatory,\n"
        "LYCEE FRANCOIS RABELAIS,France,school,F  LYON121\n"
        "Ghent School of Arts,Belgium,school,\n"
    )

    out, err = call(path, "--dry-run")

    change_url = reverse("admin:cooperation_institution_change", args=[conservatory.pk])
    assert (
        "line 2: “Shanghai Conservatory of Musics” looks like Shanghai "
        f"Conservatory of Music, Shanghai, CN ({change_url})."
    ) in err
    assert "Line 3 was not imported: the Erasmus code “F  LYON121” belongs to" in err
    assert "1 row not imported: its identifier is another institution's" in out
    assert "1 row looks like an institution already in the registry" in out
    assert "2 created" in out
    bocuse.refresh_from_db()
    assert bocuse.name == "Institut Paul Bocuse"


# Confirming a preview whose rows fail now ---------------------------------------


def test_confirm_that_fails_says_so_and_saves_nothing(client, editor):
    client.force_login(editor)
    parent = make_institution(name="Hogeschool Gent", country="BE")
    preview = upload(
        client, b"Name,Country,Kind,Parent\nCampus A,BE,school,Hogeschool Gent\n"
    )
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    parent.delete()

    response = client.post(
        reverse("admin:cooperation_institution_process_import"), data, follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert messages[0].startswith("Nothing was imported: the file has errors")
    assert messages[1].startswith("line 2, column “Parent”: No institution has")
    assert not any(message.startswith("Import finished") for message in messages)
    assert not Institution.objects.filter(name_en="Campus A").exists()
