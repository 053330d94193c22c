"""Translatable record texts (django-modeltranslation) and change history.

History is registered here rather than on the models because
simple-history builds its historical models when registered: after
modeltranslation has added the ``<field>_<language>`` columns, so that every
translation is recorded too.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

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
    required_languages = ("en",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("en",)


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
    required_languages = ("en",)


@register(FieldOfEducation)
class FieldOfEducationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


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
    simple_history.register(
        model, m2m_fields=m2m_fields, excluded_fields=excluded, app="cooperation"
    )
