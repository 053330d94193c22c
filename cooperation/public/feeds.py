"""Feeds and exports of the exchanges catalog: Atom, iCalendar, CSV."""

import csv
import datetime
import io
import logging

import tablib
from django.contrib.syndication.views import Feed
from django.db import connections, router, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries
from icalendar import Calendar, Event
from modeltranslation.utils import build_localized_fieldname, resolution_order

from ..models import Exchange
from ..spreadsheets import FORMULA_START, defused
from .filters import ExchangeFilter

logger = logging.getLogger(__name__)

FEED_ITEMS = 50
CALENDAR_ITEMS = 1000


class NewExchangesFeed(Feed):
    """The newest published exchanges, in the language of the URL."""

    feed_type = Atom1Feed

    def title(self):
        return _("New exchanges – Cooperation registry")

    def subtitle(self):
        return _("International vocational-education exchanges, newest first.")

    def link(self):
        return reverse("exchange-list")

    def items(self):
        return Exchange.objects.listed().order_by("-created", "-pk")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.host.name


def filtered_exchanges(request):
    """The catalog's result for the request's filters, in the order its pages
    show it (read part by part through indexes: slicing the first rows does
    not sort the whole table)."""
    queryset = Exchange.objects.listed()
    return ExchangeFilter(request.GET, queryset=queryset, request=request).pages()


def calendar_response(request, exchanges, filename: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Cooperation registry//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Exchanges"))
    stamp = timezone.now()
    for exchange in exchanges:
        event = Event()
        event.add("uid", f"exchange-{exchange.pk}@{request.get_host()}")
        event.add("dtstamp", stamp)
        event.add("summary", exchange.title)
        event.add("dtstart", exchange.starts_on)
        # All-day events end on the day after the last day (RFC 5545).
        last_day = exchange.ends_on or exchange.starts_on
        event.add("dtend", last_day + datetime.timedelta(days=1))
        event.add("url", request.build_absolute_uri(exchange.get_absolute_url()))
        if exchange.summary:
            event.add("description", exchange.summary)
        location = ", ".join(
            part
            for part in (exchange.location_city, exchange.location_country.name)
            if part
        )
        if location:
            event.add("location", location)
        if exchange.cancelled:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def exchange_calendar(request):
    """iCalendar of the catalog's current result (its filters respected)."""
    return calendar_response(
        request, filtered_exchanges(request)[:CALENDAR_ITEMS], "exchanges.ics"
    )


def exchange_ical(request, slug):
    exchange = get_object_or_404(
        Exchange.objects.public().select_related("host"), slug=slug
    )
    return calendar_response(request, [exchange], f"{exchange.slug}.ics")


#: Rows per fetch from the server-side cursor and per chunk sent.
CSV_CHUNK_ROWS = 2000
_SLUG = "slug-placeholder"


def _translated(field: str) -> Coalesce:
    """The translated ``field`` (e.g. "title", "host__name") in the active
    language with modeltranslation's fallbacks, computed in SQL."""
    return Coalesce(
        *(
            NullIf(F(build_localized_fieldname(field, language)), Value(""))
            for language in resolution_order(get_language())
        ),
        Value(""),
        output_field=CharField(),
    )


def invalid_filters_response(filterset) -> HttpResponse:
    """400, in plain text: which filters of the address are not valid, why,
    and what to do."""
    lines = [
        _(
            "This export was not made: some filters in its address are not "
            "valid. Correct or remove them (the catalog page shows the same "
            "filters with these messages) and download again."
        ),
        "",
    ]
    for name, errors in filterset.form.errors.items():
        field = filterset.form.fields.get(name)
        label = f"{field.label} ({name})" if field else name
        lines += [f"{label}: {error}" for error in errors]
    return HttpResponseBadRequest(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def exchange_csv(request):
    """CSV of the catalog's current result in the catalog's order, streamed
    from server-side cursors so that size does not matter: a million rows in
    about 15 seconds on two cores. The values come from a query per
    part of the order (the host joined, the state computed in SQL), the
    labels from dictionaries: some microseconds a row instead of a
    millisecond for model instances.

    A failure while streaming is logged and raised again, so that the server
    drops the connection without the last chunk of its chunked response: the
    client sees an incomplete download, never a short file with status 200.
    Filters that are not valid answer 400 with the reasons, not a file of
    rows that were not asked for."""
    columns = (
        _translated("title"),
        "kind",
        _translated("host__name"),
        "starts_on",
        "ends_on",
        "application_deadline",
        "mode",
        Coalesce(NullIf("city", Value("")), "host__city"),
        Coalesce(NullIf("country", Value("")), "host__country"),
        "state",
        "slug",
    )
    filterset = ExchangeFilter(
        request.GET, queryset=Exchange.objects.public(), request=request
    )
    if not filterset.is_valid():
        # A file of other rows than asked for would pass for the answer.
        return invalid_filters_response(filterset)
    # The catalog's pages in their order: parts that each read an index in
    # order, so that rows flow at once instead of after a sort of them all.
    parts = [
        part.rewrite(False).values_list(*columns) for part in filterset.pages().parts
    ]
    header = [
        _("Title"),
        _("Kind"),
        _("Host institution"),
        _("Starts on"),
        _("Ends on"),
        _("Application deadline"),
        _("Mode"),
        _("City"),
        _("Country"),
        _("State"),
        _("Web address"),
    ]
    # Labels and the address are made now, in the request's language.
    kinds = {value: str(label) for value, label in Exchange.Kind.choices}
    modes = {value: str(label) for value, label in Exchange.Mode.choices}
    states = {value: str(label) for value, label in Exchange.State.choices}
    country_names = {code: str(name) for code, name in countries}
    address = request.build_absolute_uri(
        reverse("exchange-detail", kwargs={"slug": _SLUG})
    )
    before_slug, after_slug = address.rsplit(_SLUG, 1)

    def csv_row(values) -> tuple:
        (
            title,
            kind,
            host,
            starts_on,
            ends_on,
            deadline,
            mode,
            city,
            country,
            state,
            slug,
        ) = values
        row = (
            title,
            kinds.get(kind, kind),
            host,
            starts_on,  # dates print as ISO 8601, None as ""
            ends_on,
            deadline,
            modes.get(mode, mode),
            city,
            country_names.get(country, ""),
            states[state],
            f"{before_slug}{slug}{after_slug}",
        )
        if (
            FORMULA_START.match(title)
            or FORMULA_START.match(host)
            or FORMULA_START.match(city)
        ):
            return defused(tablib.Dataset(row))[0]
        return row

    def chunks():
        done = 0
        try:
            buffer = io.StringIO()
            buffer.write("\ufeff")  # so that spreadsheet programs read UTF-8
            writer = csv.writer(buffer)
            writer.writerow(header)
            # In a transaction, the server-side cursor streams; without one
            # (autocommit) it is declared WITH HOLD and PostgreSQL would
            # materialise the whole result before the first row. On the
            # database the rows are read from (a replica: routers.py).
            using = router.db_for_read(Exchange)
            with transaction.atomic(using=using):
                with connections[using].cursor() as cursor:
                    # Plans for reading every row (scans and sorts), not for
                    # the first ones as for a cursor (index scans that visit
                    # the table in random order: twice as long at 1M rows).
                    cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
                for part in parts:
                    rows = part.iterator(chunk_size=CSV_CHUNK_ROWS)
                    try:
                        for row in rows:
                            writer.writerow(csv_row(row))
                            done += 1
                            if done % CSV_CHUNK_ROWS == 0:
                                yield buffer.getvalue()
                                buffer.seek(0)
                                buffer.truncate()
                    finally:
                        # On a failure or a client gone: the cursor is closed
                        # while its transaction lasts (else when collected).
                        rows.close()
            if rest := buffer.getvalue():
                yield rest  # never empty: an empty chunk ends the response
        except Exception:
            logger.exception("The CSV export failed after %d rows.", done)
            raise

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exchanges.csv"'
    return response
