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


simple_history.register(Institution)
simple_history.register(Agreement, m2m_fields=["fields"])
simple_history.register(AgreementParty)
simple_history.register(AgreementDocument)
simple_history.register(AgreementExchangeKind)
simple_history.register(Exchange, m2m_fields=["partners", "fields"])
simple_history.register(FieldOfEducation)
simple_history.register(Interest)
