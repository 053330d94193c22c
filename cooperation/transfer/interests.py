"""Exporting interest registrations (they are never imported)."""

from django.utils import timezone
from import_export import resources

from ..models import Interest
from .cells import (
    Boolean,
    Choice,
    Related,
    Text,
    column,
)


class InterestResource(resources.Resource):
    """Interest registrations, for export only (they are never imported)."""

    created = column("created", "Received", readonly=True)
    exchange = column("exchange", "Exchange", Related(), readonly=True)
    name = column("name", "Name", readonly=True)
    email = column("email", "E-mail", readonly=True)
    organisation = column("organisation", "Organisation", readonly=True)
    message = column("message", "Message", Text(multiline=True), readonly=True)
    consent = column("consent", "Consent", Boolean(), readonly=True)
    status = column("status", "Status", Choice(Interest.Status), readonly=True)

    class Meta:
        model = Interest

    @classmethod
    def get_display_name(cls):
        return Interest._meta.verbose_name_plural.capitalize()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("exchange")

    def dehydrate_created(self, interest):
        return timezone.localtime(interest.created).strftime("%Y-%m-%d %H:%M")

    def iter_queryset(self, queryset):
        yield from queryset.iterator(chunk_size=2000)
