"""The site's languages, one definition read from ``settings.LANGUAGES``:
the public pages' languages, the columns django-modeltranslation adds for
each translated field (``name_en``, ``name_zh_hans``, ...), and from them
the import's columns, the admin's search and fieldsets, and the demo data.
"""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

# Language codes as URLs and ``translation.override`` take them: "zh-hans".
CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
# The language every record has its texts in; the others fall back to it.
SOURCE: str = settings.LANGUAGE_CODE
# The other languages, into which texts are translated.
TRANSLATED: tuple[str, ...] = tuple(code for code in CODES if code != SOURCE)


def column(field: str, code: str) -> str:
    """The column of ``field`` in language ``code``: ``title``, ``zh-hans``
    -> ``title_zh_hans``."""
    return build_localized_fieldname(field, code)


def columns(field: str) -> tuple[str, ...]:
    """The columns of ``field`` in every language, the source language's
    first: ``name`` -> ``name_en``, ``name_zh_hans``, ``name_nl``, ``name_fr``."""
    return tuple(column(field, code) for code in CODES)


def suffix(code: str) -> str:
    """The suffix of a language's columns: ``zh-hans`` -> ``zh_hans``."""
    return column("", code)[1:]
