"""Load the demo data set: the AP ceremony and a few dozen records around it.

Idempotent: records are matched by slug (parties by agreement and institution,
covered exchange kinds by agreement and kind, interest registrations by
exchange and e-mail) and saved only when something differs, so a second run
on the same day writes nothing: no new history entries, no new ``updated``
stamps. Dates are relative to today (see ``cooperation/data/demo.yaml``), so a
run on a later day moves them.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone, translation

from cooperation import languages
from cooperation.data import demo_records
from cooperation.models import (
    Agreement,
    AgreementExchangeKind,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
    Interest,
)

DATE_KEYS = (
    "signed_on",
    "valid_from",
    "expires_on",
    "starts_on",
    "ends_on",
    "application_deadline",
)


class Command(BaseCommand):
    help = (
        "Load the demo data (sample records): the AP Antwerp ceremony with "
        "Shanghai Conservatory of Music and Hainan Vocational University, and "
        "institutions, agreements and exchanges around it. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has any institution.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Institution.objects.exists():
            self.stdout.write("Demo data not loaded: institutions already exist.")
            return
        # The source language (English) is active so that the untranslated
        # columns (name, title, ...) take its text, as in the admin.
        with translation.override(languages.SOURCE), transaction.atomic():
            seeder = DemoSeeder(today=timezone.localdate())
            seeder.run()
        institutions, agreements, exchanges = (
            model.objects.filter(is_sample=True).count()
            for model in (Institution, Agreement, Exchange)
        )
        self.stdout.write(
            f"Demo data: {institutions} institutions, {agreements} agreements, "
            f"{exchanges} exchanges ({seeder.created} records created, "
            f"{seeder.changed} changed)."
        )


class DemoSeeder:
    """Writes ``cooperation/data/demo.yaml`` into the database (queries)."""

    def __init__(self, *, today: datetime.date):
        self.today = today
        self.created = 0
        self.changed = 0
        self.institutions: dict[str, Institution] = {}
        self.agreements: dict[str, Agreement] = {}
        self.exchanges: dict[str, Exchange] = {}
        self.new_pks: dict[type[models.Model], set[int]] = {}
        self.fields = FieldOfEducation.objects.in_bulk(field_name="code")

    def run(self) -> None:
        records = demo_records()
        for entry in records["institutions"]:
            self.institution(entry)
        for entry in records["agreements"]:
            self.agreement(entry)
        for entry in records["exchanges"]:
            self.exchange(entry)
        for entry in records["interests"]:
            self.interest(entry)

    # --- one method per record type ------------------------------------------

    def institution(self, entry: dict) -> None:
        values = {
            **self.texts(entry, "name", "description"),
            "official_name": entry.get("official_name", ""),
            "acronym": entry.get("acronym", ""),
            "aliases": "\n".join(entry.get("aliases", [])),
            "kind": entry["kind"],
            "level": entry.get("level", ""),
            "country": entry["country"],
            "region": entry.get("region", ""),
            "city": entry.get("city", ""),
            "address": entry.get("address", ""),
            "latitude": self.decimal(entry.get("latitude")),
            "longitude": self.decimal(entry.get("longitude")),
            "website": entry.get("website", ""),
            "email": entry.get("email", ""),
            # Empty unless demo.yaml gives one (it gives none, see its
            # docstring), so that a run also clears the unchecked codes an
            # earlier version of the demo data gave.
            "erasmus_code": entry.get("erasmus_code", ""),
            "schac_code": entry.get("schac_code", ""),
            "pic": entry.get("pic", ""),
            "other_identifier": entry.get("other_identifier", ""),
            "parent": self.lookup(self.institutions, entry.get("parent")),
            "year_founded": entry.get("year_founded"),
            **self.record_flags(entry),
        }
        self.institutions[entry["slug"]] = self.sync(
            Institution, {"slug": entry["slug"]}, values
        )

    def agreement(self, entry: dict) -> None:
        values = {
            **self.texts(entry, "title", "summary"),
            "kind": entry["kind"],
            "reference": entry.get("reference", ""),
            "internal_notes": entry.get("internal_notes", ""),
            "status": entry["status"],
            "signed_at": entry.get("signed_at", ""),
            "signing_mode": entry.get("signing_mode", ""),
            "renews_automatically": entry.get("renews_automatically", False),
            "notice_period_days": entry.get("notice_period_days"),
            "predecessor": self.lookup(self.agreements, entry.get("predecessor")),
            "lineage": entry.get("lineage", ""),
            **self.dates(entry, "signed_on", "valid_from", "expires_on"),
            **self.record_flags(entry),
        }
        agreement = self.sync(Agreement, {"slug": entry["slug"]}, values)
        self.agreements[entry["slug"]] = agreement
        self.set_m2m(agreement, "fields", self.field_list(entry))

        parties = []
        for position, (slug, role, title) in enumerate(entry["parties"]):
            institution = self.lookup(self.institutions, slug)
            parties.append(institution.pk)
            self.sync(
                AgreementParty,
                {"agreement": agreement, "institution": institution},
                {"role": role, "signatory_title": title, "position": position},
            )
        self.delete_others(agreement.parties.exclude(institution__in=parties))

        kinds = []
        for kind, places in entry.get("exchange_kinds", []):
            kinds.append(kind)
            self.sync(
                AgreementExchangeKind,
                {"agreement": agreement, "kind": kind},
                {"places_per_year": places},
            )
        self.delete_others(agreement.exchange_kinds.exclude(kind__in=kinds))

    def exchange(self, entry: dict) -> None:
        host = self.lookup(self.institutions, entry["host"])
        partners = [self.lookup(self.institutions, slug) for slug in entry["partners"]]
        agreement = self.lookup(self.agreements, entry.get("agreement"))
        errors = Exchange.institution_errors(
            host_id=host.pk,
            partner_ids=[partner.pk for partner in partners],
            agreement_id=agreement.pk if agreement else None,
        )
        if errors:
            message = " ".join(str(error) for error in errors.values())
            raise CommandError(f"Exchange {entry['slug']}: {message}")
        values = {
            **self.texts(
                entry,
                "title",
                "summary",
                "description",
                "eligibility",
                "how_to_apply",
                "outcomes",
            ),
            "kind": entry["kind"],
            "contact_email": entry.get("contact_email", ""),
            "external_url": entry.get("external_url", ""),
            "agreement": agreement,
            "host": host,
            "mode": entry.get("mode", Exchange.Mode.ON_SITE),
            "city": entry.get("city", ""),
            "country": entry.get("country", ""),
            "places": entry.get("places"),
            "participants": entry.get("participants"),
            "cancelled": entry.get("cancelled", False),
            **self.dates(entry, "starts_on", "ends_on", "application_deadline"),
            **self.record_flags(entry),
        }
        exchange = self.sync(Exchange, {"slug": entry["slug"]}, values)
        self.exchanges[entry["slug"]] = exchange
        self.set_m2m(exchange, "partners", partners)
        self.set_m2m(exchange, "fields", self.field_list(entry))

    def interest(self, entry: dict) -> None:
        self.sync(
            Interest,
            {
                "exchange": self.lookup(self.exchanges, entry["exchange"]),
                "email": entry["email"],
            },
            {
                "name": entry["name"],
                "organisation": entry.get("organisation", ""),
                "message": entry.get("message", ""),
                "consent": True,
                "status": Interest.Status.NEW,
            },
        )

    # --- value helpers --------------------------------------------------------

    @staticmethod
    def texts(entry: dict, *names: str) -> dict[str, str | None]:
        """``name_en``, ``name_zh_hans``, ... from ``entry[name]``, whose keys
        are the columns' suffixes. The source language's text is required and
        never null; a missing translation is null (fallback)."""
        values: dict[str, str | None] = {}
        for name in names:
            text = entry.get(name) or {}
            source = languages.column(name, languages.SOURCE)
            values[source] = text.get(languages.suffix(languages.SOURCE)) or ""
            for code in languages.TRANSLATED:
                values[languages.column(name, code)] = (
                    text.get(languages.suffix(code)) or None
                )
        return values

    def dates(self, entry: dict, *names: str) -> dict[str, datetime.date | None]:
        """Day offsets relative to today, turned into dates."""
        values = {}
        for name in names:
            offset = entry.get(name)
            values[name] = (
                None if offset is None else self.today + datetime.timedelta(offset)
            )
        return values

    @staticmethod
    def record_flags(entry: dict) -> dict[str, bool]:
        return {"published": entry.get("published", True), "is_sample": True}

    @staticmethod
    def decimal(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    @staticmethod
    def lookup(records: dict, slug: str | None):
        if slug is None:
            return None
        try:
            return records[slug]
        except KeyError:
            raise CommandError(
                f"Demo data refers to {slug!r} before defining it."
            ) from None

    def field_list(self, entry: dict) -> list[FieldOfEducation]:
        try:
            return [self.fields[code] for code in entry.get("fields", [])]
        except KeyError as error:
            raise CommandError(
                f"Field of education {error} is missing: run the migrations first."
            ) from None

    # --- writing --------------------------------------------------------------

    def sync(self, model: type[models.Model], lookup: dict, values: dict) -> Any:
        """Like ``update_or_create``, but validates with ``full_clean()`` and
        saves only when a value differs (one query when nothing does)."""
        instance = model._default_manager.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            created = True
        else:
            changed = {
                name: value
                for name, value in values.items()
                if differs(instance, name, value)
            }
            if not changed:
                return instance
            for name, value in changed.items():
                setattr(instance, name, value)
            created = False
        try:
            instance.full_clean()
        except ValidationError as error:
            raise CommandError(f"{model.__name__} {lookup}: {error}") from error
        instance.save()
        if created:
            self.created += 1
            self.new_pks.setdefault(model, set()).add(instance.pk)
        else:
            self.changed += 1
        return instance

    def set_m2m(self, instance: models.Model, name: str, objects: list) -> None:
        """Set a many-to-many field only when it differs (each ``set()`` adds a
        history entry). Counted as a change of a record that already existed."""
        manager = getattr(instance, name)
        if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
            manager.set(objects)
            if instance.pk not in self.new_pks.get(type(instance), set()):
                self.changed += 1

    def delete_others(self, queryset: models.QuerySet) -> None:
        """Remove child rows the data no longer has (deleted one by one so that
        the change history records each)."""
        for obj in queryset:
            obj.delete()
            self.changed += 1


def differs(instance: models.Model, name: str, value: Any) -> bool:
    """Whether ``value`` differs from what ``instance`` holds in field ``name``,
    compared as the database would store them."""
    field = instance._meta.get_field(name)
    if field.many_to_one:
        return getattr(instance, field.attname) != (value.pk if value else None)
    current = field.get_prep_value(field.value_from_object(instance))
    return current != field.get_prep_value(field.to_python(value))
