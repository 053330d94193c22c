"""The catalogs' FilterSets behind the API (django-filter's backend), and
their parameters in the OpenAPI description."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter

from .errors import filterset_refusal


class CatalogFilterBackend(DjangoFilterBackend):
    """django-filter's backend with the view's FilterSet (the catalog's own,
    ``filterset_class``). A refused parameter is a 400 naming it, its value
    and the fix (the catalog's pages ignore it instead). The FilterSet is
    kept on the view: its sort order and its parts are the pages' order."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise filterset_refusal(filterset)
        view.filterset = filterset
        return filterset.qs


class CatalogFilterExtension(DjangoFilterExtension):
    """drf-spectacular's description of django-filter's parameters (types,
    choices), with the explanations of ``view.parameter_docs``; a parameter
    of ``view.parameter_patterns`` is a string of that pattern (a country's
    choices depend on the data, so they are not listed)."""

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
            if field_name in docs:
                # Keep the list of choices that drf-spectacular wrote.
                choices = parameter.get("description", "").partition("\n\n*")
                parameter["description"] = docs[field_name] + "".join(choices[1:])
        return parameters
