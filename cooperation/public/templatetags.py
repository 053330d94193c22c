"""Template helpers for the public pages."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

from ..paginators import round_estimate

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """The current page (path and filters) in every language."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    # A path of this site, whatever was asked: "//evil.example/x/" (a 404)
    # would otherwise become a link to another site.
    path = "/" + request.get_full_path().lstrip("/")
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return alternates


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied (None removes)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def page_links(page) -> list:
    """Page numbers around ``page`` and at both ends, with the paginator's
    ELLIPSIS between: as many links for page 3 of 50,000 as of 3 of 10."""
    return list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )


@register.filter
def approximately(number: int) -> str:
    """An estimated count as shown to people: 74,915 -> "74,900" (grouped
    as the active language writes numbers)."""
    return number_format(round_estimate(number), force_grouping=True)


@register.filter
def bcp47(code: str) -> str:
    """Django's language code as an HTML/hreflang tag: zh-hans -> zh-Hans."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if script else language


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict) -> str:
    """A schema.org JSON-LD block (a data block, not a script the CSP runs)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_ESCAPES)),
    )
