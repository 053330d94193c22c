"""Pagination that stays fast on tables of millions of rows.

Two costs grow with the table: counting the result (an exact ``COUNT(*)``
reads every matching row) and reaching a deep page (``OFFSET n`` reads and
throws away n rows). Counts here are exact up to a cap and estimated by the
planner above it; the last page is read backwards from the end of the order.
"""

import json

from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

# Below this many rows an exact COUNT is cheap enough (admin changelists).
EXACT_COUNT_LIMIT = 10_000
# Public catalogs count exactly up to this many results, then estimate:
# counting even ten thousand rows through the public gate's join costs a
# tenth of a second at a million exchanges.
CATALOG_EXACT_COUNT_LIMIT = 1_000
# A catalog page is read from the nearer end of its order, and may lie at most
# this many rows from it: deeper, reading up to it would take seconds at a
# million rows (filters narrow the results instead).
CATALOG_READ_DEPTH = 10_000


def estimated_rows(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of an unfiltered queryset's table
    (from its statistics, no scan), or None when the queryset is filtered."""
    query = queryset.query
    if query.where or query.distinct or query.combinator:
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


def planned_rows(queryset) -> int:
    """The planner's estimate of the rows ``queryset`` returns (EXPLAIN, no
    execution: one query, whatever the filters)."""
    plan = queryset.order_by().values("pk").explain(format="json")
    if not plan:  # a queryset that cannot match (none(), pk__in=[]): no SQL
        return 0
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


def capped_count(queryset, limit: int) -> tuple[int, bool]:
    """``(count, estimated)``: the exact number of rows when there are at
    most ``limit``, else the planner's estimate (never less than ``limit +
    1``). When the planner expects more than twice ``limit`` rows, its
    estimate is taken without counting (two queries at most: EXPLAIN, then a
    count that stops after ``limit + 1`` rows)."""
    planned = planned_rows(queryset)
    if planned > 2 * limit:
        return planned, True
    # In key order: the rows are read through an index, and only until the
    # limit is reached.
    exact = queryset.order_by("pk").values("pk")[: limit + 1].count()
    if exact <= limit:
        return exact, False
    return max(planned, limit + 1), True


def round_estimate(number: int) -> int:
    """An estimate shown to people: three significant figures (74,915 ->
    74,900) so that it does not pretend to be exact."""
    digits = len(str(number))
    if digits <= 3:
        return number
    unit = 10 ** (digits - 3)
    return round(number / unit) * unit


class EstimatedCountPaginator(Paginator):
    """The admin's paginator: counts exactly up to EXACT_COUNT_LIMIT rows;
    above, an unfiltered list's size comes from the table's statistics and a
    filtered one's from the planner (an exact COUNT(*) reads every row)."""

    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)
        if estimate is not None and estimate > EXACT_COUNT_LIMIT:
            return estimate
        return capped_count(self.object_list, EXACT_COUNT_LIMIT)[0]


class OrderedParts:
    """Querysets read one after another as one ordered list: an order that no
    single index serves ("running, then upcoming, then finished") becomes
    parts that each read an index in its order, so a page reads about as
    many rows as it shows. The parts must not overlap. ``whole`` is the
    union of the parts as one queryset, for counting."""

    ordered = True

    def __init__(self, whole, parts, *, limit: int | None = None):
        self.whole = whole
        self.parts = list(parts)
        #: The parts hold at most this many of ``whole``'s rows.
        self.limit = limit
        self._lengths: dict[int, int] = {}

    def _length(self, index: int) -> int:
        if index not in self._lengths:
            self._lengths[index] = self.parts[index].count()
        return self._lengths[index]

    def __getitem__(self, key: slice) -> list:
        """Rows ``key.start`` to ``key.stop`` of the parts' sequence: one query
        per part touched, plus a count of a part that the slice skips."""
        start, stop = key.start or 0, key.stop
        rows: list = []
        for index, part in enumerate(self.parts):
            if stop is not None and stop <= start:
                break
            known = self._lengths.get(index)
            if known is not None and start >= known:
                start, stop = start - known, None if stop is None else stop - known
                continue
            found = list(part[start:stop])
            rows += found
            if stop is not None and len(found) == stop - start:
                break
            # This part ends before the slice does.
            if found or start == 0:
                self._lengths[index] = start + len(found)
            length = self._length(index)
            start = max(0, start - length)
            stop = None if stop is None else stop - length
        return rows

    def tail(self, size: int, skip: int = 0) -> list:
        """``size`` rows that end ``skip`` rows before the end of the order,
        read backwards from the end: one query per part touched, plus a
        count of a part that ``skip`` passes over."""
        rows: list = []
        for index in reversed(range(len(self.parts))):
            reverse = self.parts[index].reverse()
            found = list(reverse[skip : skip + size - len(rows)])
            rows = found[::-1] + rows
            if len(rows) >= size:
                break
            # This part ends before the rows wanted do.
            skip = 0 if found else max(0, skip - self._length(index))
        return rows

    def __iter__(self):
        for part in self.parts:
            yield from part.iterator(chunk_size=2000)


class CatalogPaginator(Paginator):
    """The public catalogs' paginator over ``OrderedParts``. The result is
    counted exactly up to CATALOG_EXACT_COUNT_LIMIT and estimated above
    (``total`` and ``estimated``); the pages cover ``total`` rows, or the
    parts' ``limit`` when that is smaller. The pages of the second half are
    read from the end of the order, so the last page costs what the first
    one does; pages further than CATALOG_READ_DEPTH rows from both ends are
    refused (a 404 in the views)."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return capped_count(self.object_list.whole, CATALOG_EXACT_COUNT_LIMIT)

    @property
    def total(self) -> int:
        """The number of results (estimated when ``estimated``)."""
        return self._counted[0]

    @property
    def estimated(self) -> bool:
        return self._counted[1]

    @cached_property
    def count(self) -> int:
        limit = self.object_list.limit
        return self.total if limit is None else min(self.total, limit)

    @property
    def limited(self) -> bool:
        """True when the pages show only part of the results."""
        return self.count < self.total

    def reachable(self, number: int) -> bool:
        """Whether page ``number`` lies within CATALOG_READ_DEPTH rows of
        an end of the order (``page`` refuses the others)."""
        top = (number - 1) * self.per_page
        bottom = min(top + self.per_page, self.count)
        return min(top, self.count - bottom) <= CATALOG_READ_DEPTH

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """Django's elided page range, with the pages that ``page`` would
        refuse (too deep) elided too: a page link never leads to a 404.
        Computed from ``num_pages``: an estimate until a short page showed
        the end, then exact (``page`` counts again)."""
        previous = None
        for item in super().get_elided_page_range(
            number, on_each_side=on_each_side, on_ends=on_ends
        ):
            if item != self.ELLIPSIS and not self.reachable(item):
                item = self.ELLIPSIS
            if not (item == previous == self.ELLIPSIS):
                yield item
            previous = item

    def _get_page(self, *args, **kwargs) -> Page:
        return CatalogPage(*args, **kwargs)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        top = (number - 1) * self.per_page
        bottom = min(top + self.per_page, self.count)
        from_end = self.count - bottom
        if not self.reachable(number):
            raise InvalidPage(
                _("This page lies too deep in the results: add a filter or a word.")
            )
        if number > 1 and from_end < top:
            rows = self.object_list.tail(bottom - top, skip=from_end)
            return self._get_page(rows, number, self)
        page = super().page(number)
        rows = len(page.object_list)
        if self.estimated and rows < self.per_page:
            # The estimate was wrong (a short page is the end): count exactly.
            self.__dict__["_counted"] = ((number - 1) * self.per_page + rows, False)
            self.__dict__.pop("count", None)
            self.__dict__.pop("num_pages", None)
            if not rows and number > 1:
                # Past the end the estimate promised: as any page past the
                # last one (a 404 in the views).
                raise EmptyPage(self.error_messages["no_results"])
        return page


class CatalogPage(Page):
    """A catalog page: no "Previous" or "Next" to a page lying too deep to
    be read (``CatalogPaginator.reachable``)."""

    def has_next(self) -> bool:
        return super().has_next() and self.paginator.reachable(self.number + 1)

    def has_previous(self) -> bool:
        return super().has_previous() and self.paginator.reachable(self.number - 1)
