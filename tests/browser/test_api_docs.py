"""The API in a browser: its documentation page (Swagger UI under the site's
Content-Security-Policy), the "Open data" page, and reading the API from a
page of another origin (CORS)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

LANGUAGES = ["en", "zh-hans", "nl", "fr"]


def test_docs_page_shows_every_operation_without_csp_refusals(page, site):
    refused, elsewhere, scripts = [], [], []
    page.on(
        "response",
        lambda response: (
            response.request.resource_type in ("script", "stylesheet")
            and scripts.append((response.url, response.status))
        ),
    )
    page.on(
        "console",
        lambda message: "Refused" in message.text and refused.append(message.text),
    )
    page.on(
        "request",
        lambda request: (
            not request.url.startswith(site)
            and not request.url.startswith("data:")
            and elsewhere.append(request.url)
        ),
    )
    page.goto(f"{site}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Cooperation registry API"
    )
    paths = page.locator(".opblock-summary-path")
    expect(paths).to_have_count(9)
    expect(
        page.locator(".opblock-summary-path[data-path='/api/v1/exchanges/']")
    ).to_be_visible()
    # An operation opens with its parameters and their choices.
    page.locator(".opblock-summary-path[data-path='/api/v1/exchanges/']").click()
    expect(page.locator(".parameters [data-param-name='kind']")).to_be_visible()
    assert refused == []
    assert elsewhere == []
    # Swagger UI comes from the vendored copy (static/vendor/swagger-ui/).
    vendored = f"{site}/static/vendor/swagger-ui/"
    assert {
        (f"{vendored}swagger-ui-bundle.js", 200),
        (f"{vendored}swagger-ui.css", 200),
    } <= set(scripts)
    assert all(
        url.startswith((vendored, f"{site}/static/js/", f"{site}/static/css/"))
        for url, _status in scripts
    ), scripts


@pytest.mark.parametrize("language", LANGUAGES)
def test_open_data_page_has_no_accessibility_violations(browser, site, language):
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{site}/{language}/open-data/")
    assert axe_violations(page) == []


def test_a_page_of_another_origin_reads_the_api_but_cannot_write(
    browser, site, settings
):
    # The same server under another name is another origin. (Chromium keeps
    # pages from elsewhere from asking loopback addresses, so a partner's page
    # cannot be faked here; the site's own CSP would also keep its pages from
    # asking another origin, hence bypass_csp.)
    partner = site.replace("localhost", "127.0.0.1")
    assert partner != site
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{partner}/robots.txt")
    api = f"{site}/api/v1/exchanges/?page_size=2&lang=zh-hans"
    read = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const body = await response.json();
            // Asking again with the ETag needs a preflight (If-None-Match is
            // not a simple header): the API allows it and answers 304.
            const again = await fetch(url, {
                headers: {"If-None-Match": response.headers.get("ETag")},
            });
            return {status: response.status, count: body.results.length,
                    title: body.results[0].title, again: again.status};
        }""",
        api,
    )
    assert read["status"] == 200 and read["count"] == 2
    assert isinstance(read["title"], str)
    assert read["again"] == 304
    written = page.evaluate(
        """async (url) => {
            try {
                await fetch(url, {method: "POST", body: "{}",
                                  headers: {"Content-Type": "application/json"}});
                return "sent";
            } catch (error) {
                return "refused";
            }
        }""",
        api,
    )
    assert written == "refused"
