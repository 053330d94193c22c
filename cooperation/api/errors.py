"""Every refusal of the API as JSON: ``{"detail": ..., "errors": [...]}``.

A request whose parameters are refused (an unknown choice, a malformed date,
a cursor that was changed) gets a 400 whose ``errors`` name, for each
parameter, the value sent, what is wrong with it and how to correct it.
Throttled requests get rest_framework's 429 with Retry-After; unknown
records a 404. Nothing here reads the database."""

from django import forms
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as rest_exception_handler


class BadParameters(exceptions.APIException):
    """400: one or more query parameters are refused."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameters"

    def __init__(self, errors: list[dict]):
        names = ", ".join(dict.fromkeys(error["parameter"] for error in errors))
        super().__init__(
            {
                "detail": _(
                    "Parameters not accepted: %(parameters)s. Each entry of "
                    "“errors” says why and how to correct it."
                )
                % {"parameters": names},
                "errors": errors,
            }
        )


def parameter_error(parameter: str, value, message: str, fix: str) -> dict:
    return {"parameter": parameter, "value": value, "message": message, "fix": fix}


def choices_fix(parameter: str, choices) -> str:
    return _("Use one of: %(choices)s; or leave %(parameter)s out.") % {
        "choices": ", ".join(str(choice) for choice in choices),
        "parameter": parameter,
    }


def _fix(parameter: str, field: forms.Field, code: str) -> str:
    if code == "invalid_choice" and isinstance(field, forms.ChoiceField):
        return choices_fix(parameter, [value for value, _ in field.choices if value])
    if isinstance(field, forms.DateField):
        return _("Write the date as YYYY-MM-DD, for example 2027-03-01.")
    if code == "null_characters_not_allowed":
        return _("Remove the null character (U+0000) from the value.")
    return _("Correct the value, or leave %(parameter)s out.") % {
        "parameter": parameter
    }


def filterset_refusal(filterset) -> BadParameters:
    """The 400 for a FilterSet whose form refused some parameters."""
    errors = []
    for name, refusals in filterset.form.errors.as_data().items():
        field = filterset.form.fields.get(name)
        for refusal in refusals:
            errors.append(
                parameter_error(
                    name,
                    filterset.data.get(name),
                    " ".join(refusal.messages),
                    _fix(name, field, refusal.code or ""),
                )
            )
    return BadParameters(errors)


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _messages(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _messages(value)]
    return [str(detail)]


def exception_handler(exc, context):
    """rest_framework's answer, with a ``detail`` text in every body."""
    response = rest_exception_handler(exc, context)
    if response is not None and not (
        isinstance(response.data, dict) and "detail" in response.data
    ):
        # A ValidationError raised with a list or a dict of messages.
        response.data = {"detail": " ".join(_messages(response.data))}
    return response
