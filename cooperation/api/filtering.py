"""The catalogs' FilterSets behind the API (django-filter's backend), and
their parameters in the OpenAPI description."""

from django import forms
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter

from ..public.filters import SortFilter
from .errors import BadParameters, choices_fix, filterset_refusal, parameter_error


class CatalogFilterBackend(DjangoFilterBackend):
    """django-filter's backend with the view's FilterSet (the catalog's own,
    ``filterset_class``). A refused parameter is a 400 naming it, its value
    and the fix (the catalog's pages ignore it instead). The FilterSet is
    kept on the view: its sort order and its parts are the pages' order."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refuse_loose_booleans(filterset)
        if not filterset.is_valid():
            raise filterset_refusal(filterset)
        view.filterset = filterset
        return filterset.qs


BOOLEAN_VALUES = ("true", "false")


def refuse_loose_booleans(filterset) -> None:
    """400 for a boolean parameter that is not true, false or empty. The
    catalog's checkbox takes any other value (even 0 or off) as checked;
    the API says what it means, as its description promises a boolean."""
    errors = []
    for name, definition in filterset.filters.items():
        value = filterset.data.get(name)
        if (
            isinstance(definition, BooleanFilter)
            and value
            and value not in BOOLEAN_VALUES
        ):
            message = forms.ChoiceField.default_error_messages["invalid_choice"]
            errors.append(
                parameter_error(
                    name,
                    value,
                    message % {"value": value},
                    choices_fix(name, BOOLEAN_VALUES),
                )
            )
    if errors:
        raise BadParameters(errors)


class CatalogFilterExtension(DjangoFilterExtension):
    """drf-spectacular's description of django-filter's parameters (types,
    choices), with the explanations of ``view.parameter_docs``; a parameter
    of ``view.parameter_patterns`` is a string of that pattern (a country's
    choices depend on the data, so they are not listed). Each may be sent
    empty: the FilterSet's form takes that as absent
    (``schema.empty_query_parameters_are_absent`` says so)."""

    target_class = CatalogFilterBackend
    priority = 1

    def resolve_filter_field(
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        view = auto_schema.view
        pattern = getattr(view, "parameter_patterns", {}).get(field_name)
        if pattern is None:
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        else:
            parameters = [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    schema={"type": "string", "pattern": pattern},
                )
            ]
        docs = getattr(view, "parameter_docs", {})
        for parameter in parameters:
            if isinstance(filter_field, SortFilter):
                # One order (filters.SortFilter), not django-filter's list.
                parameter["schema"] = parameter["schema"]["items"]
                parameter.pop("explode", None)
                parameter.pop("style", None)
            if field_name in docs:
                # Keep the list of choices that drf-spectacular wrote.
                choices = parameter.get("description", "").partition("\n\n*")
                parameter["description"] = docs[field_name] + "".join(choices[1:])
        return parameters
