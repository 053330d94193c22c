"""Feeds and exports of the exchanges catalog: Atom, iCalendar, CSV."""

import csv
import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .filters import ExchangeFilter
from .models import Exchange

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
        return (
            Exchange.objects.public()
            .select_related("host")
            .order_by("-created", "-pk")[:FEED_ITEMS]
        )

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
    """The catalog's result for the request's filters (as the page shows it)."""
    queryset = Exchange.objects.public().select_related("host")
    return ExchangeFilter(request.GET, queryset=queryset, request=request).qs


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


class _Echo:
    def write(self, value):
        return value


def exchange_csv(request):
    """CSV of the catalog's current result, streamed so size does not matter."""
    columns = [
        (_("Title"), lambda e: e.title),
        (_("Kind"), lambda e: e.get_kind_display()),
        (_("Host institution"), lambda e: e.host.name),
        (_("Starts on"), lambda e: e.starts_on.isoformat()),
        (_("Ends on"), lambda e: e.ends_on.isoformat() if e.ends_on else ""),
        (
            _("Application deadline"),
            lambda e: (
                e.application_deadline.isoformat() if e.application_deadline else ""
            ),
        ),
        (_("Mode"), lambda e: e.get_mode_display()),
        (_("City"), lambda e: e.location_city),
        (_("Country"), lambda e: e.location_country.name),
        (_("State"), lambda e: e.state_label),
        (_("Web address"), lambda e: request.build_absolute_uri(e.get_absolute_url())),
    ]
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow([name for name, _value in columns])
        for exchange in filtered_exchanges(request).iterator(chunk_size=500):
            yield writer.writerow([value(exchange) for _name, value in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exchanges.csv"'
    return response
