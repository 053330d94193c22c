"""The embeddable catalog in an iframe on a page of another origin (a
partner's site): shown, its links open the registry in a new tab, sized to
its content by the snippet's script; any other page of the registry refuses
to be framed."""

import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

from tests.factories import make_exchange, make_institution

SLUG = "shanghai-conservatory-of-music"


@pytest.fixture
def partner_page():
    """``open(page, addresses)`` opens a page of the partner's site (a
    server of its own on another port of this machine, so another origin)
    framing ``addresses`` (by id), or showing ``html``, and returns its
    address."""
    servers = []

    def open_page(page, addresses: dict[str, str] | None = None, html="") -> str:
        frames = "".join(
            f'<iframe id="{name}" src="{address}" title="{name}" width="600" '
            'height="400"></iframe>'
            for name, address in (addresses or {}).items()
        )
        server = partner_server(frames + html)
        servers.append(server)
        partner = f"http://127.0.0.1:{server.server_port}/"
        page.goto(partner)
        return partner

    yield open_page
    for server in servers:
        server.shutdown()
        server.server_close()


def partner_server(content: str) -> HTTPServer:
    return page_server(
        f'<!DOCTYPE html><html lang="en"><title>Partner</title>{content}'.encode()
    )


def page_server(body: bytes) -> HTTPServer:
    """A site of another origin that serves ``body`` at every address."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Page)
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


# Resizing to the content (embed-frame.js inside, embed-host.js on the
# partner's page) ------------------------------------------------------------

HEIGHT = "cooperation-registry:embed-height"


@pytest.fixture
def two_institutions(site):
    """One institution with a single public exchange, one with fifteen."""
    one = make_institution(name="Lute school", slug="lute-school")
    many = make_institution(name="Guqin academy", slug="guqin-academy")
    make_exchange(title="A single lute course", host=one)
    for number in range(15):
        make_exchange(title=f"Guqin masterclass {number}", host=many)
    return one, many


def snippet_of(page, site, slug: str) -> str:
    """The snippet as the institution's public page shows it to copy."""
    page.goto(f"{site}/en/institutions/{slug}/")
    return page.locator("#embed-snippet").input_value()


def frame_of(page, slug: str):
    return page.locator(f'iframe[src*="institution={slug}"]')


def fits(page, slug: str) -> dict:
    """The iframe's inner height and its content's, once they match (the
    embed has reported its height and the host script applied it)."""
    frame = frame_of(page, slug)
    inside = frame.element_handle().content_frame()
    inside.wait_for_load_state()
    content = "Math.ceil(document.documentElement.getBoundingClientRect().height)"
    page.wait_for_function(
        "([selector, height]) => document.querySelector(selector).clientHeight "
        "=== height",
        arg=[f'iframe[src*="institution={slug}"]', inside.evaluate(content)],
    )
    return {
        "frame": frame.evaluate("element => element.clientHeight"),
        "content": inside.evaluate(content),
        "scrolls": inside.evaluate(
            "document.documentElement.scrollHeight > window.innerHeight"
        ),
    }


def test_the_snippet_sizes_the_frame_to_its_content(
    page, site, partner_page, two_institutions
):
    one, many = two_institutions
    snippets = [snippet_of(page, site, one.slug), snippet_of(page, site, many.slug)]
    assert all(f'<script src="{site}/static/js/embed-host.js"' in s for s in snippets)
    # The partner's page sizes boxes by their border, as Bootstrap does.
    partner_page(
        page,
        html="<style>*{box-sizing:border-box}</style>"
        + "<p>Our partners</p>".join(snippets),
    )
    short, tall = fits(page, one.slug), fits(page, many.slug)
    # Shrunk from the initial 400 pixels, grown above them; no scroll bar.
    assert short["frame"] == short["content"] < 400
    assert tall["frame"] == tall["content"] > 600
    assert not short["scrolls"] and not tall["scrolls"]
    # A narrower page wraps the lines: the frame follows its content.
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_function(
        "([selector, before]) => document.querySelector(selector).clientHeight "
        "> before",
        arg=[f'iframe[src*="institution={many.slug}"]', tall["frame"]],
    )
    narrow = fits(page, many.slug)
    assert narrow["frame"] == narrow["content"] > tall["content"]
    assert not narrow["scrolls"]


def other_origin_server() -> HTTPServer:
    """A third site, whose page sends the embeds' message to its parent."""
    return page_server(
        (
            '<!DOCTYPE html><html lang="en"><title>Other</title><script>'
            f'parent.postMessage({{type: "{HEIGHT}", height: 7}}, "*");'
            "</script>"
        ).encode()
    )


def test_messages_not_from_a_registry_frame_are_ignored(
    page, site, partner_page, two_institutions
):
    one, _many = two_institutions
    snippet = snippet_of(page, site, one.slug)
    other = other_origin_server()
    try:
        elsewhere = f"http://127.0.0.1:{other.server_port}/"
        # The partner's own script notes the third site's message.
        partner_page(
            page,
            html=snippet
            + f'<iframe id="other" src="{elsewhere}" title="Other"></iframe>'
            + "<script>window.heard = [];"
            + 'addEventListener("message", e => heard.push(e.origin));</script>',
        )
        height = fits(page, one.slug)["frame"]
        page.wait_for_function(
            "origin => window.heard.includes(origin)", arg=elsewhere.rstrip("/")
        )
        assert frame_of(page, one.slug).evaluate("e => e.clientHeight") == height
        # Messages made on the page, each failing one check, then one
        # passing them all (the checks, not the making, refuse the others).
        heights = page.evaluate(
            """([registry, type, selector]) => {
                const frame = document.querySelector(selector);
                const other = document.getElementById("other");
                const send = (origin, source, height) => {
                    dispatchEvent(new MessageEvent("message", {
                        origin, source, data: {type, height},
                    }));
                    return frame.clientHeight;
                };
                return [
                    // The registry's frame, but another origin.
                    send("http://evil.example", frame.contentWindow, 11),
                    // The registry's origin, but not one of its frames.
                    send(registry, window, 12),
                    send(registry, other.contentWindow, 13),
                    // The registry's frame and origin, but not a height.
                    send(registry, frame.contentWindow, "tall"),
                    send(registry, frame.contentWindow, 123),
                ];
            }""",
            [site, HEIGHT, f'iframe[src*="institution={one.slug}"]'],
        )
        assert heights == [height, height, height, height, 123]
    finally:
        other.shutdown()
        other.server_close()
