"""Translatable record texts (django-modeltranslation) and change history.

History is registered here rather than on the models because
simple-history builds its historical models when registered: after
modeltranslation has added the ``<field>_<language>`` columns, so that every
translation is recorded too.
"""

import simple_history
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register, translator

from . import languages
from .models import (
    Agreement,
    AgreementDocument,
    AgreementExchangeKind,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
    Interest,
)
from .models.base import derived_by_database


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = (languages.SOURCE,)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = (languages.SOURCE,)


@register(Exchange)
class ExchangeTranslation(TranslationOptions):
    fields = (
        "title",
        "summary",
        "description",
        "eligibility",
        "how_to_apply",
        "outcomes",
    )
    required_languages = (languages.SOURCE,)


@register(FieldOfEducation)
class FieldOfEducationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = (languages.SOURCE,)


#: Under a record text's box in each language but English (one sentence a
#: language, so that each translation can put the language's name right).
OTHER_LANGUAGES_HELP = {
    "zh-hans": _(
        "The text in Simplified Chinese. Left empty, the English text is shown."
    ),
    "nl": _("The text in Dutch. Left empty, the English text is shown."),
    "fr": _("The text in French. Left empty, the English text is shown."),
}


def name_translations() -> None:
    """modeltranslation calls each language's field "title [zh-hans]" and
    repeats the field's help text under each ("The international name,
    usually in English." under the Chinese name). Each is named instead
    "title (Simplified Chinese)", in the reader's language, and the other
    languages' help says what an empty box means. Before the history is
    registered, whose fields copy these; migrations read the original
    field's (TranslationField.deconstruct), so they do not change."""
    names = dict(settings.LANGUAGES)
    for model in translator.get_registered_models():
        for field in model._meta.get_fields():
            original = getattr(field, "translated_field", None)
            if original is None or field.language not in names:
                continue
            field.verbose_name = format_lazy(
                "{} ({})", original.verbose_name, names[field.language]
            )
            if field.language in OTHER_LANGUAGES_HELP:
                field.help_text = OTHER_LANGUAGES_HELP[field.language]


name_translations()

HISTORY = {
    Institution: [],
    Agreement: ["fields"],
    AgreementParty: [],
    AgreementDocument: [],
    AgreementExchangeKind: [],
    Exchange: ["partners", "fields"],
    FieldOfEducation: [],
    Interest: [],
}
for model, m2m_fields in HISTORY.items():
    # app= puts the historical models in cooperation.models, where Django
    # (e.g. the shell's auto-import) looks for them. The search vector is
    # derived from the other columns: history need not store it.
    excluded = [f.name for f in model._meta.fields if derived_by_database(f)]
    # Personal data stays out of history (Interest.PERSONAL_FIELDS).
    excluded += getattr(model, "PERSONAL_FIELDS", ())
    simple_history.register(
        model, m2m_fields=m2m_fields, excluded_fields=excluded, app="cooperation"
    )
