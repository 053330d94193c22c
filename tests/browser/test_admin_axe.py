"""axe finds nothing to fix on any kind of admin page: the dashboard, each
record type's list, add, change and history pages, import, export and the
sign-in page, in every language of the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cooperation.models import Agreement, Exchange, Institution, User
from tests.browser.conftest import axe_violations


def record_of(model):
    """A record of the demo data set; an agreement with parties, whose
    table of roles axe must also find labelled."""
    if model is Agreement:
        return Agreement.objects.filter(parties__isnull=False).first()
    return model._default_manager.order_by("pk").first()


def admin_pages(site: str, user) -> dict[str, str]:
    """The address of each kind of admin page, for every record type
    registered on the admin site, that ``user`` may open."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = {"dashboard": f"{site}/admin/"}
    for model, model_admin in admin.site._registry.items():
        base = f"{site}/admin/{model._meta.app_label}/{model._meta.model_name}/"
        name = model._meta.model_name
        pages[f"{name} list"] = base
        if model_admin.has_add_permission(request):
            pages[f"{name} add"] = f"{base}add/"
        record = record_of(model)
        if record is not None:
            pages[f"{name} change"] = f"{base}{record.pk}/change/"
            pages[f"{name} history"] = f"{base}{record.pk}/history/"
    for model in (Institution, Agreement, Exchange):
        base = f"{site}/admin/cooperation/{model._meta.model_name}/"
        pages[f"{model._meta.model_name} import"] = f"{base}import/"
        pages[f"{model._meta.model_name} export"] = f"{base}export/"
    pages["interest export"] = f"{site}/admin/cooperation/interest/export/"
    return pages


def violations_on(page, pages: dict[str, str]) -> dict[str, list]:
    failures = {}
    for name, address in pages.items():
        response = page.goto(address)
        assert response.status == 200, (name, response.status)
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
    return failures


def test_every_admin_page_type_has_no_accessibility_violations(registry, staff_page):
    page = staff_page()
    user = User.objects.get(username="admin-tester")
    assert violations_on(page, admin_pages(registry, user)) == {}


@pytest.mark.parametrize("language", ["zh-hans", "nl", "fr"])
def test_admin_in_other_languages_has_no_accessibility_violations(
    registry, staff_page, language
):
    page = staff_page()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": registry}]
    )
    exchange = Exchange.objects.order_by("pk").first()
    base = f"{registry}/admin/cooperation/exchange/"
    pages = {
        "dashboard": f"{registry}/admin/",
        "exchange list": base,
        "exchange change": f"{base}{exchange.pk}/change/",
    }
    assert violations_on(page, pages) == {}


def test_sign_in_page_has_no_accessibility_violations(page, registry):
    page.goto(f"{registry}/admin/login/")
    assert axe_violations(page) == []
