"""The embeddable catalog: ``/embed/exchanges/?institution=<slug>&lang=xx``,
a compact list of public exchanges made to be shown in an ``<iframe>`` on a
partner's site, and the snippet that embeds it.

It filters with the catalog's FilterSet, over the catalog's own queryset (the
public gate), and is the only page that any site may frame (settings:
EMBED_FRAME_ANCESTORS); every other page refuses framing.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt

from ..caching import public_page
from ..models import Exchange, Institution
from ..paginators import CATALOG_EXACT_COUNT_LIMIT, capped_count, round_estimate
from .filters import ExchangeFilter

# The embed shows at most this many exchanges (upcoming first), then a link
# to the whole list in the catalog.
EMBED_ROWS = 20


def embed_language(value: str | None) -> str:
    """One of the site's languages for the ``lang`` parameter (``zh-hans``,
    ``zh_Hans``, ``FR`` …); anything else gives the default language."""
    code = (value or "").strip().lower().replace("_", "-")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def framable(view):
    """Let any site (or those of settings.EMBED_FRAME_ANCESTORS) frame the
    answers of ``view``: no X-Frame-Options, and the Content-Security-Policy's
    frame-ancestors replaced for these answers only."""

    @xframe_options_exempt
    @wraps(view)
    def framed(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_replace = {
            "frame-ancestors": list(settings.EMBED_FRAME_ANCESTORS)
        }
        return response

    return framed


def _exchanges(request):
    """The page's answer: the filtered public exchanges, or why the filters
    were refused (400)."""
    language = embed_language(request.GET.get("lang"))
    query = request.GET.copy()
    query.pop("lang", None)
    with translation.override(language):
        filterset = ExchangeFilter(query, queryset=Exchange.objects.listed())
        errors = []
        if not filterset.is_valid():
            # Each names the filter, the value given and (Django's message)
            # what it takes.
            errors = [
                f"{filterset.form.fields[name].label} ({name}={query.get(name)}): "
                f"{message}"
                if name in filterset.form.fields
                else message
                for name, messages in filterset.form.errors.items()
                for message in messages
            ]
        rows = list(filterset.pages()[: EMBED_ROWS + 1]) if not errors else []
        total, estimated = (len(rows), False)
        if len(rows) > EMBED_ROWS:
            total, estimated = capped_count(filterset.qs, CATALOG_EXACT_COUNT_LIMIT)
            if estimated:
                total = round_estimate(total)
        slug = filterset.form.cleaned_data.get("institution") if not errors else ""
        institution = (
            Institution.objects.public().filter(slug=slug).first() if slug else None
        )
        catalog = reverse("exchange-list")
        if query:
            catalog += "?" + query.urlencode()
        response = render(
            request,
            "cooperation/embed_exchanges.html",
            {
                "language": language,
                "institution": institution,
                "exchanges": rows[:EMBED_ROWS],
                "more": len(rows) > EMBED_ROWS,
                "total": total,
                "estimated": estimated,
                "catalog_url": request.build_absolute_uri(catalog),
                "errors": errors,
            },
            status=400 if errors else 200,
        )
        response["Content-Language"] = language
        return response


exchanges = framable(public_page(_exchanges))


#: The partner's side of the resizing: sizes the iframe to the height the
#: embed reports (static/js/embed-frame.js inside it).
HOST_SCRIPT = "js/embed-host.js"
#: The iframe's height until the embed has reported its own.
INITIAL_HEIGHT = 400


def snippet(request, institution, language: str | None = None) -> str:
    """The HTML a partner copies to show ``institution``'s exchanges on its
    site: an iframe of the embed and the script that sizes it to its content,
    their addresses absolute as the visitor reached this site (https behind
    the TLS proxy, see settings.BEHIND_TLS_PROXY)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    query = urlencode({"institution": institution.slug, "lang": language})
    address = request.build_absolute_uri(f"{reverse('exchange-embed')}?{query}")
    # The script's plain name, not the hashed one {% static %} gives: a
    # partner's copy must keep working after the file changes (WhiteNoise
    # serves the plain name too, with a short max-age).
    script = request.build_absolute_uri(f"{settings.STATIC_URL}{HOST_SCRIPT}")
    with translation.override(language):
        title = gettext("Exchanges of %(institution)s") % {
            "institution": institution.name
        }
    # Plain text (escaped once more where a page shows it).
    return (
        f'<iframe src="{escape(address)}" title="{escape(title)}" width="100%" '
        f'height="{INITIAL_HEIGHT}" loading="lazy"></iframe>\n'
        f'<script src="{escape(script)}" async></script>'
    )
