"""Django's ``makemessages`` with this project's defaults: every language of
``settings.LANGUAGES`` but the source language, only the app and the
templates, file names without line numbers as locations (a line moved is no
change of a catalogue), and no obsolete entries.

Run ``manage.py makemessages`` after marking or changing a text, translate
the new entries in ``cooperation/locale/*/LC_MESSAGES/django.po``, and
``make messages`` compiles them; ``tests/test_catalogues.py`` checks that
the catalogues are what this extracts."""

from django.conf import settings
from django.core.management.commands import makemessages
from django.utils.translation import to_locale

# What is not the app's or the templates' own text.
IGNORED = [
    ".venv",
    "node_modules",
    "var",
    "tests",
    "scripts",
    "static",
    "docs",
    "cooperation/migrations",
]


def catalogue_locales() -> list[str]:
    """The catalogues' folder names, e.g. ``zh_Hans`` for ``zh-hans``."""
    return [
        to_locale(code)
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if not (options["locale"] or options["all"] or options["exclude"]):
            options["locale"] = catalogue_locales()
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["add_location"] = options["add_location"] or "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
