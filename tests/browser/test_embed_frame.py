"""The embeddable catalog in an iframe on a page of another origin (a
partner's site): shown, its links open the registry in a new tab; any other
page of the registry refuses to be framed."""

import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

SLUG = "shanghai-conservatory-of-music"


@pytest.fixture
def partner_page():
    """``open(page, addresses)`` opens a page of the partner's site (a
    server of its own on another port of this machine, so another origin)
    framing ``addresses`` (by id), and returns its address."""
    servers = []

    def open_page(page, addresses: dict[str, str]) -> str:
        server = partner_server(addresses)
        servers.append(server)
        partner = f"http://127.0.0.1:{server.server_port}/"
        page.goto(partner)
        return partner

    yield open_page
    for server in servers:
        server.shutdown()
        server.server_close()


def partner_server(addresses: dict[str, str]) -> HTTPServer:
    frames = "".join(
        f'<iframe id="{name}" src="{address}" title="{name}" width="600" '
        'height="400"></iframe>'
        for name, address in addresses.items()
    )
    body = (f'<!DOCTYPE html><html lang="en"><title>Partner</title>{frames}').encode()

    class Partner(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Partner)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_embed_shows_in_a_partners_page_and_opens_links_in_a_new_tab(
    page, site, partner_page
):
    partner = partner_page(
        page,
        {"embed": f"{site}/embed/exchanges/?institution={SLUG}&lang=zh-hans"},
    )
    frame = page.frame_locator("#embed")
    expect(frame.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(frame.get_by_role("heading", level=1)).to_be_visible()
    first = frame.get_by_role("listitem").first.get_by_role("link")
    with page.context.expect_page() as opened:
        first.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert re.match(rf"{re.escape(site)}/zh-hans/exchanges/[^/]+/$", tab.url)
    assert page.url == partner  # the partner's page stays where it was


def test_other_pages_refuse_to_be_framed(page, site, partner_page):
    partner_page(
        page,
        {
            "catalog": f"{site}/en/exchanges/",
            "embed": f"{site}/embed/exchanges/?institution={SLUG}",
        },
    )
    # The embed loads; the catalog does not (the browser shows its own
    # error page in the frame instead).
    expect(page.frame_locator("#embed").get_by_role("heading", level=1)).to_be_visible()
    catalog = page.locator("#catalog").element_handle().content_frame()
    catalog.wait_for_load_state()
    assert catalog.locator("nav").count() == 0
    assert catalog.get_by_role("heading", level=1).count() == 0
