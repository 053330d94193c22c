import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField, DateRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .. import search as full_text
from .agreement import Agreement, AgreementParty
from .base import Record, RecordQuerySet, kept_by_database
from .exchange_kind import ExchangeKind
from .institution import Institution

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .field import FieldOfEducation

# The last day of an exchange (a single-day one has no end date), and the
# days it runs; both indexed.
LAST_DAY = Coalesce(F("ends_on"), F("starts_on"))
PERIOD = Func(
    F("starts_on"),
    LAST_DAY,
    Value("[]"),
    function="daterange",
    output_field=DateRangeField(),
)


class ExchangeQuerySet(RecordQuerySet):
    def public(self):
        """Published exchanges whose host institution is published too."""
        return self.filter(published=True, host__published=True)

    def listed(self):
        """The public exchanges as every list shows them (catalog, embed,
        feeds, home and institution pages): each with its host, without the
        search documents."""
        return self.public().select_related("host").lean("host")

    def with_state(self, on: datetime.date | None = None):
        """Annotate ``state`` (cancelled, completed, running, open for
        applications or planned) as it is on ``on`` (default today)."""
        on = on or timezone.localdate()
        return self.annotate(
            state=Case(
                When(cancelled=True, then=Value(Exchange.State.CANCELLED)),
                When(
                    Q(ends_on__lt=on) | Q(ends_on__isnull=True, starts_on__lt=on),
                    then=Value(Exchange.State.COMPLETED),
                ),
                When(starts_on__lte=on, then=Value(Exchange.State.RUNNING)),
                When(application_deadline__gte=on, then=Value(Exchange.State.OPEN)),
                default=Value(Exchange.State.PLANNED),
                output_field=models.CharField(),
            )
        )

    def in_state(self, state: str, on: datetime.date | None = None):
        """Exchanges whose derived ``state`` is ``state`` on ``on``."""
        return self.with_state(on).filter(state=state)

    def open_for_applications(self, on: datetime.date | None = None):
        return self.in_state(Exchange.State.OPEN, on)

    def starting_within(self, days: int, on: datetime.date | None = None):
        """Not cancelled, starting in the next ``days`` days from ``on``."""
        on = on or timezone.localdate()
        return self.filter(
            cancelled=False,
            starts_on__gte=on,
            starts_on__lte=on + datetime.timedelta(days=days),
        )

    def starting_soon(self, on: datetime.date | None = None):
        """Those that start within ``Exchange.STARTS_SOON_DAYS`` (the
        dashboard's list and the admin's filter)."""
        return self.starting_within(Exchange.STARTS_SOON_DAYS, on)

    def upcoming(self, on: datetime.date | None = None):
        """Not cancelled and not yet started on ``on``: planned or open for
        applications. The one meaning of "upcoming exchanges": the home page's
        and the dashboard's figure and the catalog's ``state=upcoming`` (see
        ``filters.ExchangeFilter``) all read it."""
        on = on or timezone.localdate()
        return self.filter(cancelled=False, starts_on__gt=on)

    def with_interest_allowed(self, on: datetime.date | None = None):
        """Annotate ``state`` (as ``with_state``) and ``interest_allowed``:
        whether a visitor may register interest on ``on``, that is while the
        exchange is planned, open for applications or running; not once it
        is completed or cancelled. The one home of this rule: the detail page
        shows the form and accepts its POST by it."""
        return self.with_state(on).annotate(
            interest_allowed=Case(
                When(
                    state__in=[
                        Exchange.State.PLANNED,
                        Exchange.State.OPEN,
                        Exchange.State.RUNNING,
                    ],
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def upcoming_parts(self, on: datetime.date | None = None) -> list:
        """The "upcoming first" order as four querysets that together hold
        every row once, each ordered by an index: running on ``on`` (latest
        start first), planned (by start), finished (last day first) and
        cancelled (latest start first). No single index can serve the order,
        which depends on the day; read one after another
        (paginators.OrderedParts) a page costs about what it shows."""
        on = on or timezone.localdate()
        live = self.filter(cancelled=False)
        return [
            # A page of it walks the start index back from the day: the
            # exchanges that started last are nearly all still running. (In
            # start order, a page would read and sort every running exchange:
            # 20,000 scattered rows of a million, 300 ms.) Reading the whole
            # part, the planner finds it through the period's index instead.
            live.annotate(period=PERIOD)
            .filter(period__contains=on, starts_on__lte=on)
            .order_by("-starts_on", "-pk"),
            live.filter(starts_on__gt=on).order_by("starts_on", "pk"),
            live.annotate(last_day=LAST_DAY)
            .filter(last_day__lt=on)
            .order_by("-last_day", "-pk"),
            self.filter(cancelled=True).order_by("-starts_on", "-pk"),
        ]

    def search(self, text: str):
        """Exchanges whose title (weight A), summary (weight B) or host's or
        published partners' names (weight C) match ``text`` in any language
        (so 上海 finds the Shanghai Conservatory's exchanges), annotated with
        ``rank`` and ordered by it. One query on one GIN index. Empty text
        filters nothing."""
        return full_text.search(self, text)


class Exchange(Record):
    Kind = ExchangeKind
    # An exchange starting within this many days "starts soon".
    STARTS_SOON_DAYS = 30

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("on site")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open for applications")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences shown in the catalog."),
    )
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(
        _("eligibility"), blank=True, help_text=_("Who may take part.")
    )
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Receives the interest registrations for this exchange."),
    )
    external_url = models.URLField(_("external link"), blank=True)
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchanges",
        help_text=_("The agreement this exchange implements, if any."),
    )
    host = models.ForeignKey(
        "Institution",
        verbose_name=_("host institution"),
        on_delete=models.PROTECT,
        related_name="hosted_exchanges",
    )
    # Annotated: the plugin infers no types from a model named by a string.
    partners: "models.ManyToManyField[Institution, Any]" = models.ManyToManyField(
        "Institution",
        verbose_name=_("partner (sending) institutions"),
        blank=True,
        related_name="partner_exchanges",
    )
    fields: "models.ManyToManyField[FieldOfEducation, Any]" = models.ManyToManyField(
        "FieldOfEducation",
        verbose_name=_("fields of education"),
        blank=True,
        related_name="exchanges",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Empty for a single day.")
    )
    application_deadline = models.DateField(
        _("application deadline"), null=True, blank=True
    )
    mode = models.CharField(
        _("mode"), max_length=16, choices=Mode.choices, default=Mode.ON_SITE
    )
    city = models.CharField(
        _("city"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty to use the host institution's city."),
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("Leave empty to use the host institution's country."),
    )
    places = models.PositiveIntegerField(_("places offered"), null=True, blank=True)
    participants = models.PositiveIntegerField(
        _("number of participants"),
        null=True,
        blank=True,
        help_text=_("Once it has run. Never record participants' names here."),
    )
    outcomes = models.TextField(
        _("outcomes"),
        blank=True,
        help_text=_("E.g. a prize won, a certificate, a performance given."),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Kept by database triggers (migrations 0009 and 0010) from the host, the
    # published partners and the fields of education, so that every writer
    # keeps them right: the institutions' names (part of search_vector) and
    # what the catalog filters on, each with a GIN index.
    institution_names = kept_by_database(
        SearchVectorField(_("institution names for search"), default="", editable=False)
    )
    countries = kept_by_database(
        ArrayField(
            models.CharField(max_length=2),
            verbose_name=_("countries involved"),
            default=list,
            editable=False,
        )
    )
    institutions = kept_by_database(
        ArrayField(
            models.BigIntegerField(),
            verbose_name=_("institutions involved"),
            default=list,
            editable=False,
        )
    )
    field_codes = kept_by_database(
        ArrayField(
            models.CharField(max_length=4),
            verbose_name=_("field codes and their broader codes"),
            default=list,
            editable=False,
        )
    )
    search_vector = full_text.search_vector_field(
        primary="title", secondary="summary", also="institution_names"
    )

    objects = ExchangeQuerySet.as_manager()

    if TYPE_CHECKING:
        # Added by modeltranslation (translation.py), one per language.
        title_en: str | None

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-starts_on", "title"]
        # The catalog's orders, each read in index order (see
        # ExchangeQuerySet.upcoming_parts): by start, by last day, by period;
        # and the feed's, newest first.
        indexes = [
            GinIndex(fields=["search_vector"], name="exchange_search_vector_gin"),
            GinIndex(fields=["countries"], name="exchange_countries_gin"),
            GinIndex(fields=["institutions"], name="exchange_institutions_gin"),
            GinIndex(fields=["field_codes"], name="exchange_field_codes_gin"),
            models.Index(fields=["starts_on", "id"], name="exchange_starts_on"),
            models.Index(LAST_DAY, F("id"), name="exchange_last_day"),
            GistIndex(PERIOD, name="exchange_period"),
            models.Index(fields=["created", "id"], name="exchange_created"),
            models.Index(
                fields=["starts_on", "id"],
                condition=Q(cancelled=True),
                name="exchange_cancelled_starts_on",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="exchange_ends_after_start",
                violation_error_message=_("The end date cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(application_deadline__isnull=True)
                | Q(application_deadline__lte=F("starts_on")),
                name="exchange_deadline_before_start",
                violation_error_message=_(
                    "The application deadline cannot be after the start."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange-detail", kwargs={"slug": self.slug})

    def slug_source(self) -> str:
        return self.title_en or self.title

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot be before the start.")
        if (
            self.starts_on
            and self.application_deadline
            and self.application_deadline > self.starts_on
        ):
            errors["application_deadline"] = _(
                "The application deadline cannot be after the start."
            )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def institution_errors(
        *, host_id, partner_ids, agreement_id, agreement_parties=None
    ) -> "dict[str, StrOrPromise]":
        """The rules on an exchange's institutions, which need its partners
        (known to a form or an import before they are saved, hence not in
        ``clean()``), as field name -> message: the host is not also a
        partner; the agreement it implements has its host or a partner among
        its parties (an agreement without parties yet is not judged).
        ``agreement_parties``, the institution ids of the agreement's parties,
        saves the query for them; the names are looked up only for a refusal.
        """
        errors: dict[str, StrOrPromise] = {}
        partner_ids = set(partner_ids)
        if host_id and host_id in partner_ids:
            errors["partners"] = _(
                "The host institution cannot also be a partner of its exchange."
            )
        if agreement_id and host_id:
            if agreement_parties is None:
                agreement_parties = AgreementParty.objects.filter(
                    agreement_id=agreement_id
                ).values_list("institution_id", flat=True)
            agreement_parties = set(agreement_parties)
            if agreement_parties and not agreement_parties & {host_id, *partner_ids}:
                names = Institution.objects.filter(
                    pk__in=[host_id, *sorted(agreement_parties)[:5]]
                ).in_bulk()
                errors["agreement"] = _(
                    "None of the parties to the agreement “%(agreement)s” "
                    "(%(parties)s) is this exchange's host (%(host)s) or one of its "
                    "partners. Choose the agreement that the host or a partner "
                    "signed, or first add one of them to the agreement's parties."
                ) % {
                    "agreement": Agreement.objects.get(pk=agreement_id),
                    "parties": ", ".join(
                        str(names[pk])
                        for pk in sorted(agreement_parties)[:5]
                        if pk in names
                    )
                    + (", …" if len(agreement_parties) > 5 else ""),
                    "host": names.get(host_id, host_id),
                }
        return errors

    @property
    def state_label(self) -> "StrOrPromise":
        """The label of the ``state`` annotation (needs ``with_state()``)."""
        # Not a field: with_state() annotates it, on the querysets that ask.
        return self.State(self.state).label  # type: ignore[attr-defined]

    @property
    def location_city(self) -> str:
        return self.city or (self.host.city if self.host_id else "")

    @property
    def location_country(self):
        return self.country if self.country else getattr(self.host, "country", None)
