"""Institution identifiers: their formats, validators and normalising fields.

Each regex is used twice: by the validator (a friendly message on the form)
and by a database check constraint (the same rule where forms are bypassed).
"""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A country part padded with spaces to three characters ("B  ", "UK ", "IRL"),
# a city part, then two or three digits: "B  ANTWERP01", "F  PARIS001".
ERASMUS_CODE_REGEX = r"^([A-Z]{3}|[A-Z]{2} |[A-Z]  )[A-Z][A-Z-]{0,9}[0-9]{2,3}$"
# The institution's internet domain, as used by Erasmus Without Paper.
SCHAC_CODE_REGEX = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
PIC_REGEX = r"^[0-9]{9}$"

validate_erasmus_code = RegexValidator(
    ERASMUS_CODE_REGEX,
    _(
        "Enter an Erasmus code: the country part padded with spaces to three "
        "characters, the city part, then two or three digits, for example "
        "“B  ANTWERP01”."
    ),
    code="erasmus_code",
)
validate_schac_code = RegexValidator(
    SCHAC_CODE_REGEX,
    _("Enter a SCHAC code: the institution's internet domain, for example “ap.be”."),
    code="schac_code",
)
validate_pic = RegexValidator(
    PIC_REGEX,
    _("Enter a PIC (Participant Identification Code): exactly 9 digits."),
    code="pic",
)


def normalize_erasmus_code(value: str) -> str:
    """Upper-case and re-pad the country part: "b antwerp01" -> "B  ANTWERP01"."""
    value = value.strip().upper()
    match = re.fullmatch(r"([A-Z]{1,3})\s*([A-Z][A-Z-]*[0-9]{2,3})", value)
    if match:
        country, rest = match.groups()
        return country.ljust(3) + rest
    return value


class ErasmusCodeField(models.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize_erasmus_code(value) if value else value


class SchacCodeField(models.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().lower().rstrip(".") if value else value


class PicField(models.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return re.sub(r"\s+", "", value) if value else value
