"""Cursor pagination over the catalogs' orders, fast on deep pages.

A page number costs ``OFFSET n``: reading and throwing away n rows, seconds
deep into a million exchanges. A cursor instead names the last row shown
(its values of the order's terms) and the next page starts after it: the
order's index is entered at that row, so the thousandth page costs what the
first one does.

The catalogs' orders are ``paginators.OrderedParts``: querysets read one
after another, each in the order of an index ("upcoming first" is running,
then planned, then finished, then cancelled). A cursor holds the part it
stopped in and its row's values in that part's order. A search sorted by
relevance pages through a bounded number of ranked matches
(``filters.SEARCH_CANDIDATES``): its cursor holds an offset into them.

Cursors are signed (``django.core.signing``): one that was changed or cut
short is refused with a 400 before any query, never read as values.
Results are counted as the catalog counts them: exactly up to
``paginators.CATALOG_EXACT_COUNT_LIMIT``, estimated by the planner above.
"""

import datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries.fields import Country
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ..paginators import CATALOG_EXACT_COUNT_LIMIT, OrderedParts, capped_count
from .errors import BadParameters, parameter_error

CURSOR_SALT = "cooperation.api.cursor"
NOTHING = Q(pk__in=[])


def order_terms(queryset) -> list[tuple[str, bool]]:
    """(name, descending) for each term of ``queryset``'s explicit order."""
    terms = []
    for term in queryset.query.order_by:
        if not isinstance(term, str) or term == "?":
            raise TypeError(f"A cursor cannot follow the order term {term!r}.")
        terms.append((term.removeprefix("-"), term.startswith("-")))
    return terms


def _nullable(queryset, name: str) -> bool:
    if name == "pk":
        return False
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field.null
    try:
        return queryset.model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


def term_value(row, name: str):
    """``row``'s value of an order term, as JSON can hold it (and a lookup on
    the term reads it back)."""
    value = row.pk if name == "pk" else getattr(row, name)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Country):
        return value.code
    if isinstance(value, Decimal):
        return str(value)
    return value


def beyond(queryset, values: list, *, backwards: bool = False):
    """``queryset``'s rows after the row whose order values are ``values``
    (before it, ``backwards``). PostgreSQL puts NULL after every value in an
    ascending order (before in a descending one), and so does this. The
    leading term is also bounded on its own (``>=`` or ``<=`` the cursor's
    value), so that the order's index is entered at the cursor's row."""
    terms = order_terms(queryset)
    condition = None
    for (name, descending), value in reversed(list(zip(terms, values, strict=True))):
        # Towards larger values (NULL the largest), or towards smaller ones.
        upwards = descending == backwards
        if value is None:
            step = NOTHING if upwards else Q(**{f"{name}__isnull": False})
            same = Q(**{f"{name}__isnull": True})
        else:
            step = Q(**{f"{name}__{'gt' if upwards else 'lt'}": value})
            if upwards and _nullable(queryset, name):
                step |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition = step if condition is None else step | (same & condition)
    (name, descending), value = terms[0], values[0]
    upwards = descending == backwards
    if value is not None and not (upwards and _nullable(queryset, name)):
        condition &= Q(**{f"{name}__{'gte' if upwards else 'lte'}": value})
    return queryset.filter(condition)


class CatalogCursorPagination(BasePagination):
    """Pages of ``view.ordered_parts(queryset)``: ``(sort name,
    OrderedParts)``. The answer holds ``count`` (and whether it is an
    estimate), the ``next`` and ``previous`` pages' addresses, and the
    ``results``."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 20
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.read_page_size(request)
        sort, parts = view.ordered_parts(queryset)
        self.sort = sort
        position = self.read_cursor(request, sort, parts)
        self.count, self.estimated = capped_count(
            parts.whole, CATALOG_EXACT_COUNT_LIMIT
        )
        self.next = self.previous = None
        if parts.limit is not None:
            rows = self.offset_page(parts, position, size)
        elif position is not None and position["b"]:
            rows = self.page_before(parts, position, size)
        else:
            rows = self.page_after(parts, position, size)
        if position is None and self.next is None and self.estimated:
            # The estimate was wrong: a first page that is the last one.
            self.count, self.estimated = len(rows), False
        return rows

    # Reading the rows ------------------------------------------------------

    def offset_page(self, parts: OrderedParts, position, size: int) -> list:
        # The parts hold at most ``parts.limit`` rows: an offset is cheap.
        start = position["o"] if position else 0
        rows = parts[start : start + size + 1]
        if len(rows) > size:
            self.next = self.link({"s": self.sort, "o": start + size})
        if start:
            self.previous = self.link({"s": self.sort, "o": max(0, start - size)})
        return rows[:size]

    def page_after(self, parts: OrderedParts, position, size: int) -> list:
        first = position["p"] if position else 0
        found = []  # (part index, row)
        for index in range(first, len(parts.parts)):
            part = parts.parts[index]
            if position and index == first:
                part = beyond(part, position["k"])
            found += [(index, row) for row in part[: size + 1 - len(found)]]
            if len(found) > size:
                break
        if len(found) > size:
            self.next = self.cursor_at(parts, *found[size - 1], backwards=False)
        found = found[:size]
        if position is not None:
            self.previous = (
                self.cursor_at(parts, *found[0], backwards=True)
                if found
                else self.link({**position, "b": True})
            )
        return [row for _index, row in found]

    def page_before(self, parts: OrderedParts, position, size: int) -> list:
        last = position["p"]
        found = []  # (part index, row), in the order's direction
        for index in range(last, -1, -1):
            part = parts.parts[index]
            if index == last:
                part = beyond(part, position["k"], backwards=True)
            rows = list(part.reverse()[: size + 1 - len(found)])
            found = [(index, row) for row in reversed(rows)] + found
            if len(found) > size:
                break
        if len(found) > size:
            found = found[-size:]
            self.previous = self.cursor_at(parts, *found[0], backwards=True)
        self.next = (
            self.cursor_at(parts, *found[-1], backwards=False)
            if found
            else self.link({**position, "b": False})
        )
        return [row for _index, row in found]

    # Cursors ---------------------------------------------------------------

    def cursor_at(self, parts: OrderedParts, index: int, row, *, backwards: bool):
        """The address of the page after (or before) ``row`` of part
        ``index``."""
        values = [term_value(row, name) for name, _ in order_terms(parts.parts[index])]
        return self.link({"s": self.sort, "p": index, "k": values, "b": backwards})

    def link(self, position: dict) -> str:
        token = signing.dumps(position, salt=CURSOR_SALT, compress=True)
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, token)

    def read_cursor(self, request, sort: str, parts: OrderedParts) -> dict | None:
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            position = signing.loads(token, salt=CURSOR_SALT)
        except signing.BadSignature:
            position = None
        if isinstance(position, dict) and position.get("s", sort) != sort:
            raise BadParameters(
                [
                    parameter_error(
                        self.cursor_query_param,
                        token,
                        _("This cursor belongs to another sort order (%(sort)s).")
                        % {"sort": position["s"]},
                        _(
                            "Keep the parameters of the request that gave you the "
                            "link, or start again from the first page, without "
                            "cursor."
                        ),
                    )
                ]
            )
        if not self.well_formed(position, parts):
            raise BadParameters(
                [
                    parameter_error(
                        self.cursor_query_param,
                        token,
                        _(
                            "This cursor was not made by this API, or it was "
                            "changed or cut short."
                        ),
                        _(
                            "Follow the “next” and “previous” links exactly as "
                            "given, or start again from the first page, without "
                            "cursor."
                        ),
                    )
                ]
            )
        return position

    @staticmethod
    def well_formed(position, parts: OrderedParts) -> bool:
        if not isinstance(position, dict):
            return False
        if "o" in position:
            offset = position["o"]
            return (
                parts.limit is not None
                and isinstance(offset, int)
                and 0 <= offset <= parts.limit
            )
        index, values = position.get("p"), position.get("k")
        return (
            parts.limit is None
            and isinstance(index, int)
            and 0 <= index < len(parts.parts)
            and isinstance(values, list)
            and len(values) == len(order_terms(parts.parts[index]))
            and isinstance(position.get("b"), bool)
        )

    def read_page_size(self, request) -> int:
        text = request.query_params.get(self.page_size_query_param)
        if not text:  # absent or empty (as an empty filter is no filter)
            return self.page_size
        # Digits only, and few of them: int() refuses 4,301 digits or more.
        if (
            text.isascii()
            and text.isdigit()
            and len(text) <= 9
            and 1 <= int(text) <= self.max_page_size
        ):
            return int(text)
        raise BadParameters(
            [
                parameter_error(
                    self.page_size_query_param,
                    text,
                    _("“%(value)s” is not a page size this API gives.")
                    % {"value": text},
                    _("Use a whole number from 1 to %(maximum)s.")
                    % {"maximum": self.max_page_size},
                )
            ]
        )

    # The answer and its description ----------------------------------------

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_is_estimate": self.estimated,
                "next": self.next,
                "previous": self.previous,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_is_estimate", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many results the filters give: exact up "
                    f"to {CATALOG_EXACT_COUNT_LIMIT:,}, above that PostgreSQL's "
                    "estimate (then count_is_estimate is true).",
                    "example": 123,
                },
                "count_is_estimate": {"type": "boolean", "example": False},
                "next": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                    "example": "https://registry.example.org/api/v1/exchanges/"
                    "?cursor=eyJzIjoiaWQiLCJwIjowLCJrIjpbMjBdLCJiIjpmYWxzZX0:1t",
                },
                "previous": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The previous page, or null on the first one.",
                    "example": None,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: copy it from the next or "
                "previous link of the page before; a changed cursor is refused "
                "(400).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                },
            },
        ]

    def get_results(self, data):
        return data["results"]
