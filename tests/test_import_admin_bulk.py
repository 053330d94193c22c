"""The admin's import of institutions at 10,000 rows (issue 8 §4: under
30 s a step, docs/benchmarks.md): rows read and written in bulk as the
command line does, history by the signed-in editor, nothing written by the
preview, the likely duplicates looked for once, a preview without empty
columns; and the pages load what says the import is at work
(static/js/import_progress.js, tests/browser/test_import_progress.py)."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from cooperation.caching import public_version
from cooperation.models import Institution
from cooperation.models.institution import InstitutionQuerySet
from tests.factories import make_institution
from tests.test_import import admin_url, confirm, upload

pytestmark = pytest.mark.django_db

WORLD_UNIVERSITIES = (
    b"name,country,alpha_two_code,state-province,web_pages,domains\n"
    b"Moscow State University,Russian Federation,RU,,http://www.msu.ru/,msu.ru\n"
    b'Seoul National University,"Korea, Republic of",KR,Seoul,'
    b"http://www.snu.ac.kr/,snu.ac.kr\n"
)


def preview(client):
    response = upload(
        client, Institution, "world.csv", WORLD_UNIVERSITIES, kind="university"
    )
    assert "confirm_form" in response.context
    return response


def test_confirm_records_history_and_log_by_the_editor(client, editor):
    client.force_login(editor)
    assert confirm(client, Institution, preview(client)).status_code == 302
    moscow = Institution.objects.get(name_en="Moscow State University")
    history = moscow.history.get()
    assert (history.history_type, history.history_user) == ("+", editor)
    assert history.history_change_reason == "Imported from world.csv"
    assert history.name_en == "Moscow State University"
    assert set(
        LogEntry.objects.filter(user=editor, action_flag=ADDITION).values_list(
            "object_id", flat=True
        )
    ) == {str(pk) for pk in Institution.objects.values_list("pk", flat=True)}


def test_confirm_updates_with_history_by_the_editor(client, editor):
    seoul = make_institution(
        name="Seoul National University", country="KR", city="", region=""
    )
    client.force_login(editor)
    confirm(client, Institution, preview(client))
    seoul.refresh_from_db()
    assert (seoul.region, seoul.website) == ("Seoul", "http://www.snu.ac.kr/")
    latest = seoul.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", editor)
    assert LogEntry.objects.filter(
        user=editor, action_flag=CHANGE, object_id=str(seoul.pk)
    ).exists()


def test_preview_writes_no_row_even_rolled_back(client, editor):
    before = make_institution()
    client.force_login(editor)
    page = preview(client)
    # The slug each new record will get is shown.
    assert "moscow-state-university" in page.text
    assert list(Institution.objects.all()) == [before]
    # No id was taken from the table's sequence: no row was written.
    assert make_institution().pk == before.pk + 1
    confirm(client, Institution, page)
    moscow = Institution.objects.get(name_en="Moscow State University")
    assert moscow.slug == "moscow-state-university"


def test_likely_duplicates_are_looked_for_in_the_preview_only(
    client, editor, monkeypatch
):
    make_institution(
        name="Lomonosov University", country="RU", website="https://www.msu.ru/"
    )
    asked = []
    duplicates_of = InstitutionQuerySet.duplicates_of

    def counted(queryset, probes):
        asked.append(len(probes))
        return duplicates_of(queryset, probes)

    monkeypatch.setattr(InstitutionQuerySet, "duplicates_of", counted)
    client.force_login(editor)
    page = preview(client)  # the same website as Lomonosov University
    assert page.context["result"].rows_with_duplicates()
    assert asked == [2]
    assert confirm(client, Institution, page).status_code == 302
    assert asked == [2]
    assert Institution.objects.count() == 3


def test_confirm_moves_the_public_data_version_on(client, editor):
    client.force_login(editor)
    page = preview(client)
    version = public_version()
    confirm(client, Institution, page)
    assert public_version() > version


def test_preview_leaves_out_the_columns_no_row_fills(client, editor):
    client.force_login(editor)
    result = preview(client).context["result"]
    assert result.diff_headers == [
        "Name",
        "Kind",
        "Country",
        "Region",
        "Website",
        "Published",
        "Slug",
    ]
    moscow = next(row for row in result.valid_rows() if "Moscow" in row.diff[0])
    assert len(moscow.diff) == 7
    assert "RU" in moscow.diff[2]


def test_import_pages_load_the_progress_script_with_its_texts(client, editor):
    client.force_login(editor)
    page = client.get(admin_url(Institution, "import"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "js/import_progress.js" in page.text
    assert 'data-elapsed="Temps écoulé : {time}"' in page.text
    # The confirm says how many records it saves, as the preview counted them.
    assert (
        'data-confirm="Importing 2 new or updated records: every row of the file '
        "is checked again, then they are saved together."
    ) in preview(client).text
