"""The import page's help on the accepted columns is generated from the
columns' declarations (issue 8, §5) and speaks the editor's language."""

import pytest
from django.utils import translation
from django.utils.html import escape

from cooperation.models import Agreement, Exchange, Institution
from cooperation.transfer import (
    AgreementResource,
    ExchangeResource,
    InstitutionResource,
)
from tests.test_import import admin_url

pytestmark = pytest.mark.django_db

RESOURCES = {
    Institution: InstitutionResource,
    Agreement: AgreementResource,
    Exchange: ExchangeResource,
}


def help_rows(page) -> dict[str, object]:
    return {column.header: column for column in page.context["import_columns"]}


@pytest.mark.parametrize("model", list(RESOURCES))
def test_every_declared_column_is_described_on_the_import_page(client, editor, model):
    client.force_login(editor)
    page = client.get(admin_url(model, "import"))
    rows = help_rows(page)
    resource = RESOURCES[model]
    assert list(rows) == [field.column_name for field in resource.fields.values()]
    for field in resource.fields.values():
        assert f'<th scope="row">{field.column_name}' in page.text
        assert rows[field.column_name].takes, field.column_name
        assert set(field.aliases) <= set(rows[field.column_name].also)
    for header in resource.required_headers:
        assert rows[header].required
    assert escape(str(resource.matching_help)) in page.text


def test_institution_columns_say_what_their_cells_hold(client, editor):
    client.force_login(editor)
    rows = help_rows(client.get(admin_url(Institution, "import")))
    assert "https is assumed" in rows["Website"].takes
    assert "web_pages" in rows["Website"].also
    assert rows["Website"].blank_from == ("domains", "domain")
    assert "alpha_two_code" in rows["Country"].blank_from
    assert "XK for Kosovo" in rows["Country"].takes
    assert rows["Kind"].required and rows["Kind"].has_default
    assert "school" in rows["Kind"].takes
    assert "identifier" in rows["Parent"].takes
    assert "exported only" in rows["Slug"].takes
    assert rows["Year founded"].takes == "a whole number"


def test_the_help_is_in_the_editors_language(client, editor):
    client.force_login(editor)
    with translation.override("zh-hans"):
        url = admin_url(Agreement, "import")
    page = client.get(url, headers={"accept-language": "zh-hans"})
    rows = help_rows(page)
    assert rows["Signed on"].takes.startswith("日期")
    assert "草稿" in rows["Status"].takes
    assert "可接受的列" in page.text
