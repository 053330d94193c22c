"""Every public page type, in every language, is valid HTML (W3C Nu validator)."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cooperation.models import Agreement, Exchange, Institution

pytestmark = pytest.mark.django_db

VNU = (
    Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
LANGUAGES = ["en", "zh-hans", "nl", "fr"]


def page_paths(language: str) -> dict[str, str]:
    exchange = Exchange.objects.public().open_for_applications().first()
    institution = Institution.objects.public().filter(units__isnull=False).first()
    agreement = Agreement.objects.public().filter(predecessor__isnull=False).first()
    return {
        "home": f"/{language}/",
        "exchange-list": f"/{language}/exchanges/?kind=student&sort=title",
        "exchange-search": f"/{language}/exchanges/?q=上海",
        "exchange-empty": f"/{language}/exchanges/?q=nothing-at-all",
        "exchange-detail": exchange.get_absolute_url().replace("/en/", f"/{language}/"),
        "institution-list": f"/{language}/institutions/",
        "institution-detail": f"/{language}/institutions/{institution.slug}/",
        "agreement-list": f"/{language}/agreements/",
        "agreement-detail": f"/{language}/agreements/{agreement.slug}/",
        "map": f"/{language}/institutions/map/",
        "statistics": f"/{language}/statistics/",
        "not-found": f"/{language}/no-such-page/",
        "embed": f"/embed/exchanges/?institution={institution.slug}&lang={language}",
        "embed-empty": f"/embed/exchanges/?q=nothing-at-all&lang={language}",
    }


def test_every_page_type_is_valid_html(client, tmp_path):
    call_command("seed_demo", verbosity=0)
    files = []
    for language in LANGUAGES:
        for name, path in page_paths(language).items():
            response = client.get(path)
            assert response.status_code == (404 if name == "not-found" else 200), path
            page = tmp_path / f"{language}-{name}.html"
            page.write_bytes(response.content)
            files.append(str(page))
    # An invalid form too: the interest form with its error messages.
    exchange = Exchange.objects.public().open_for_applications().first()
    response = client.post(exchange.get_absolute_url(), {"name": "", "email": "x"})
    page = tmp_path / "en-interest-errors.html"
    page.write_bytes(response.content)
    files.append(str(page))

    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []
    assert result.returncode == 0
