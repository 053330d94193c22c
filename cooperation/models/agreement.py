import dataclasses
import datetime
import os
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .. import search as full_text
from ..storage import document_storage
from .base import Record, RecordQuerySet
from .exchange_kind import ExchangeKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .field import FieldOfEducation


def academic_year(day: datetime.date) -> int:
    """The calendar year in which the academic year of ``day`` starts (the
    month is the ACADEMIC_YEAR_START_MONTH setting, September by default)."""
    return day.year if day.month >= settings.ACADEMIC_YEAR_START_MONTH else day.year - 1


def academic_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first day of academic ``year`` and the first day of the next."""
    month = settings.ACADEMIC_YEAR_START_MONTH
    return datetime.date(year, month, 1), datetime.date(year + 1, month, 1)


def academic_year_label(year: int) -> str:
    """``2026/27``, or ``2026`` when academic years are calendar years."""
    if settings.ACADEMIC_YEAR_START_MONTH == 1:
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"


@dataclasses.dataclass(frozen=True)
class PlacesUsage:
    """An agreement's places for one kind of exchange in one academic year:
    agreed (None: no quota), used, and what is left (negative: over)."""

    year: int
    kind: str
    agreed: int | None
    used: int
    #: The agreement, where a list mixes several (the dashboard).
    agreement: "Agreement | None" = dataclasses.field(default=None, compare=False)

    @property
    def left(self) -> int | None:
        return None if self.agreed is None else self.agreed - self.used

    @property
    def over(self) -> int:
        """How many places beyond the quota are used (0 within it)."""
        return max(-self.left, 0) if self.left is not None else 0

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)

    @property
    def kind_label(self) -> "StrOrPromise":
        return ExchangeKind(self.kind).label


class AgreementQuerySet(RecordQuerySet):
    def search(self, text: str):
        """Agreements whose title or reference (weight A) or public summary
        (weight B) match ``text`` in any language, annotated with ``rank`` and
        ordered by it. Internal notes are never searched. Empty text filters
        nothing."""
        return full_text.search(self, text)

    def public(self):
        """Published agreements that have been signed (or since terminated)."""
        return self.filter(published=True, status__in=Agreement.PUBLIC_STATUSES)

    def for_choices(self):
        """With what a picker shows of each agreement (``choice_label``): its
        parties and their institutions, in one more query for all of them."""
        return self.prefetch_related(
            models.Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("institution"),
            )
        )

    def with_places_used(self, years=None):
        """Annotate ``places_used``, the places used for each academic year
        and kind of exchange, as ``{"kind", "year", "used"}`` items: the
        participants of the agreement's exchanges that start in that year
        (the places they offer while their participants are not recorded;
        cancelled exchanges do not count). ``years`` keeps those academic
        years only. One subquery a row, on the exchanges' agreement index;
        read it with ``Agreement.places_usage``."""
        exchanges = self.model._meta.get_field("exchanges").related_model
        month = settings.ACADEMIC_YEAR_START_MONTH
        used = exchanges.objects.filter(
            agreement=models.OuterRef("pk"), cancelled=False
        )
        if years is not None:
            period = Q(pk__in=[])
            for year in years:
                first, after = academic_year_bounds(year)
                period |= Q(starts_on__gte=first, starts_on__lt=after)
            used = used.filter(period)
        used = (
            used.order_by()
            .annotate(
                year=Case(
                    When(
                        starts_on__month__gte=month,
                        then=ExtractYear("starts_on"),
                    ),
                    default=ExtractYear("starts_on") - 1,
                )
            )
            .values("kind", "year")
            .annotate(used=Sum(Coalesce("participants", "places", 0)))
            .annotate(item=JSONObject(kind="kind", year="year", used="used"))
            .values("item")
        )
        return self.annotate(places_used=ArraySubquery(used))

    def for_places(self, years=None):
        """With what ``Agreement.places_usage`` reads: the places used
        (``with_places_used``) and the kinds of exchange with their quotas
        (one more query for all the rows)."""
        return self.with_places_used(years).prefetch_related("exchange_kinds")

    def with_state(self, on: datetime.date | None = None):
        """Annotate ``state``: the staff-set status, or for a signed agreement
        whether it is upcoming, active or expired on ``on`` (default today)."""
        on = on or timezone.localdate()
        signed = Q(status=Agreement.Status.SIGNED)
        return self.annotate(
            state=Case(
                When(
                    signed & Q(valid_from__gt=on), then=Value(Agreement.State.UPCOMING)
                ),
                When(
                    signed & Q(expires_on__lt=on), then=Value(Agreement.State.EXPIRED)
                ),
                When(signed, then=Value(Agreement.State.ACTIVE)),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_state(self, state: str, on: datetime.date | None = None):
        """Agreements whose derived ``state`` is ``state`` on ``on``."""
        return self.with_state(on).filter(state=state)

    def active_on(self, on: datetime.date | None = None):
        return self.in_state(Agreement.State.ACTIVE, on)

    def expiring_within(self, days: int, on: datetime.date | None = None):
        """Signed agreements whose expiry date falls in the next ``days`` days."""
        on = on or timezone.localdate()
        return self.filter(
            status=Agreement.Status.SIGNED,
            expires_on__gte=on,
            expires_on__lte=on + datetime.timedelta(days=days),
        )

    def expiring_soon(self, on: datetime.date | None = None):
        """Those that expire within ``Agreement.EXPIRES_SOON_DAYS`` (the
        dashboard's list, the admin's filter and its "expires soon" mark)."""
        return self.expiring_within(Agreement.EXPIRES_SOON_DAYS, on)


class Agreement(Record):
    # A signed agreement expiring within this many days "expires soon".
    EXPIRES_SOON_DAYS = 90

    class Kind(models.TextChoices):
        MOU = "mou", _("memorandum of understanding")
        LETTER_OF_INTENT = "intent", _("letter of intent")
        COOPERATION = "cooperation", _("cooperation agreement")
        EXCHANGE = "exchange", _("exchange (inter-institutional) agreement")
        FRAMEWORK = "framework", _("framework agreement")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        NEGOTIATION = "negotiation", _("in negotiation")
        SIGNED = "signed", _("signed")
        TERMINATED = "terminated", _("terminated")

    #: The statuses a published agreement is public in (``public()``).
    PUBLIC_STATUSES = (Status.SIGNED, Status.TERMINATED)

    class State(models.TextChoices):
        """Status as set by staff, refined by the dates once signed."""

        DRAFT = "draft", _("draft")
        NEGOTIATION = "negotiation", _("in negotiation")
        UPCOMING = "upcoming", _("upcoming")
        ACTIVE = "active", _("active")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    class SigningMode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Lineage(models.TextChoices):
        RENEWS = "renews", _("renews")
        AMENDS = "amends", _("amends")
        SUPERSEDES = "supersedes", _("supersedes")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    reference = models.CharField(
        _("reference number"),
        max_length=64,
        blank=True,
        help_text=_("Your office's reference. Unique when given."),
    )
    summary = models.TextField(
        _("public summary"),
        blank=True,
        help_text=_("What the agreement is about, shown on the public page."),
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For staff only; never shown to the public."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_agreements",
        help_text=_("Receives the reminders before the agreement expires."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Set by staff. Whether a signed agreement is upcoming, active or "
            "expired follows from its dates. Only signed or terminated "
            "agreements can be public."
        ),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(
        _("signed at"),
        max_length=200,
        blank=True,
        help_text=_("The place of signature, e.g. Antwerp."),
    )
    signing_mode = models.CharField(
        _("signed how"), max_length=16, choices=SigningMode.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an open-ended agreement."),
    )
    renews_automatically = models.BooleanField(_("renews automatically"), default=False)
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        null=True,
        blank=True,
        help_text=_("How many days before expiry a party must give notice."),
    )
    # Annotated: the plugin infers no types from a model named by a string.
    fields: "models.ManyToManyField[FieldOfEducation, Any]" = models.ManyToManyField(
        "FieldOfEducation",
        verbose_name=_("fields of education"),
        blank=True,
        related_name="agreements",
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("earlier agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text=_("The agreement this one renews, amends or supersedes."),
    )
    lineage = models.CharField(
        _("relation to the earlier agreement"),
        max_length=16,
        choices=Lineage.choices,
        blank=True,
    )

    # Never internal_notes: search results are public.
    search_vector = full_text.search_vector_field(
        primary="title", primary_others=("reference",), secondary="summary"
    )

    objects = AgreementQuerySet.as_manager()

    if TYPE_CHECKING:
        # Added by modeltranslation (translation.py), one per language.
        title_en: str | None

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="agreement_search_vector_gin"),
            # The public list's and the admin's default order.
            models.Index(fields=["signed_on", "id"], name="agreement_signed_on"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="agreement_unique_reference",
                violation_error_code="unique",
                violation_error_message=_(
                    "Another agreement already has this reference number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(expires_on__gte=F("valid_from")),
                name="agreement_expires_after_start",
                violation_error_message=_(
                    "The expiry date cannot be before the start of validity."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "negotiation"])
                | Q(signed_on__isnull=False, valid_from__isnull=False),
                name="agreement_signed_has_dates",
                violation_error_message=_(
                    "A signed or terminated agreement needs its signature date and "
                    "the start of validity."
                ),
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True, lineage="")
                | Q(
                    predecessor__isnull=False,
                    lineage__in=["renews", "amends", "supersedes"],
                ),
                name="agreement_lineage_complete",
                violation_error_message=_(
                    "Give both the earlier agreement and how this one relates to it."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("id")),
                name="agreement_not_own_predecessor",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreement-detail", kwargs={"slug": self.slug})

    def slug_source(self) -> str:
        return self.title_en or self.title

    def clean(self):
        errors = {}
        if self.valid_from and self.expires_on and self.expires_on < self.valid_from:
            errors["expires_on"] = _(
                "The expiry date cannot be before the start of validity."
            )
        if self.status in (self.Status.SIGNED, self.Status.TERMINATED):
            for name in ("signed_on", "valid_from"):
                if not getattr(self, name):
                    errors[name] = _("Required once the agreement is signed.")
        if bool(self.predecessor_id) != bool(self.lineage):
            name = "lineage" if self.predecessor_id else "predecessor"
            errors[name] = _(
                "Give both the earlier agreement and how this one relates to it."
            )
        if self.pk and self.predecessor_id == self.pk:
            errors["predecessor"] = _("An agreement cannot follow itself.")
        if errors:
            raise ValidationError(errors)

    def parties_error(self, roles) -> "StrOrPromise | None":
        """The rule on an agreement's parties, which needs them (known to a
        form or an import before they are saved, hence not in ``clean()``),
        given as their ``roles``: once signed, at least two parties that are
        not witnesses. The message, or None (``roles`` is read only then)."""
        if self.status not in self.PUBLIC_STATUSES:
            return None
        parties = [role for role in roles if role != AgreementParty.Role.WITNESS]
        if len(parties) < 2:
            return _("A signed agreement needs at least two parties.")
        return None

    @property
    def state_label(self) -> "StrOrPromise":
        """The label of the ``state`` annotation (needs ``with_state()``)."""
        # Not a field: with_state() annotates it, on the querysets that ask.
        return self.State(self.state).label  # type: ignore[attr-defined]

    @property
    def choice_label(self) -> str:
        """The agreement as pickers offer it, told apart from one of the same
        title (a renewal and its original): "Title — kind; parties; date"
        (the signature date, else the status). Reads the parties: load them
        with ``for_choices()``."""
        parties = [str(party.institution) for party in self.parties.all()]
        if len(parties) > 3:
            parties[3:] = [_("%(count)d more") % {"count": len(parties) - 3}]
        details = [
            self.get_kind_display(),
            ", ".join(parties),
            self.signed_on.isoformat() if self.signed_on else self.get_status_display(),
        ]
        return f"{self} — " + "; ".join(str(d) for d in details if d)

    def places_usage(self, years=None) -> list[PlacesUsage]:
        """For each academic year (of ``years``; by default those in which
        exchanges under the agreement start, and the current one while the
        agreement is valid) and kind of exchange with a quota or places
        used: the places agreed, used and left, in year and kind order. Load
        the agreement with ``for_places()`` (else it is loaded again)."""
        if not hasattr(self, "places_used"):
            loaded = type(self).objects.for_places(years).get(pk=self.pk)
            self.places_used = loaded.places_used
            self._prefetched_objects_cache = loaded._prefetched_objects_cache
        used = {(row["kind"], row["year"]): row["used"] for row in self.places_used}
        agreed = {
            covered.kind: covered.places_per_year
            for covered in self.exchange_kinds.all()
        }
        if years is None:
            years = {year for _kind, year in used}
            current = academic_year(timezone.localdate())
            first, after = academic_year_bounds(current)
            if (self.valid_from is None or self.valid_from < after) and (
                self.expires_on is None or self.expires_on >= first
            ):
                years.add(current)
        rows = []
        for year in sorted(years):
            kinds = {kind for kind, places in agreed.items() if places is not None}
            kinds |= {kind for kind, used_in in used if used_in == year}
            for kind in sorted(kinds):
                rows.append(
                    PlacesUsage(
                        year=year,
                        kind=kind,
                        agreed=agreed.get(kind),
                        used=used.get((kind, year), 0),
                    )
                )
        return rows

    @property
    def published_but_hidden(self) -> bool:
        """Published, yet not public: it is not signed yet (see ``public()``)."""
        return self.published and self.status not in self.PUBLIC_STATUSES

    @property
    def lineage_chain(self) -> list["Agreement"]:
        """Earlier agreements, oldest first: one recursive query however long
        the chain (none without an earlier agreement). A loop in the chain
        ends it before the first agreement met twice."""
        if self.predecessor_id is None:
            return []
        table = connection.ops.quote_name(self._meta.db_table)
        # ``path``: the agreements met so far, this one included when saved.
        query = f"""
            WITH RECURSIVE chain (id, predecessor_id, depth, path) AS (
                SELECT id, predecessor_id, 1, %s::bigint[] || id
                FROM {table}
                WHERE id = %s AND NOT id = ANY(%s::bigint[])
              UNION ALL
                SELECT earlier.id, earlier.predecessor_id, chain.depth + 1,
                       chain.path || earlier.id
                FROM {table} AS earlier
                JOIN chain ON earlier.id = chain.predecessor_id
                WHERE NOT earlier.id = ANY(chain.path)
            )
            SELECT agreement.* FROM {table} AS agreement
            JOIN chain ON agreement.id = chain.id
            ORDER BY chain.depth DESC
        """
        seen = [self.pk] if self.pk is not None else []
        return list(
            type(self)._default_manager.raw(query, [seen, self.predecessor_id, seen])
        )


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("signatory")
        PARTNER = "partner", _("partner")
        WITNESS = "witness", _("witness")
        COORDINATOR = "coordinator", _("coordinator")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    institution = models.ForeignKey(
        "Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.SIGNATORY
    )
    signatory_name = models.CharField(
        _("signatory's name"),
        max_length=200,
        blank=True,
        help_text=_("The person who signed or witnessed for the institution."),
    )
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_("E.g. President, Ambassador to Belgium."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "institution"],
                name="agreementparty_one_entry_per_institution",
                violation_error_message=_(
                    "This institution is already a party to the agreement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


#: What makes a PDF act when it is opened, and how to say it: the keys of
#: scripts and automatic actions, and the types (``/S``) of dangerous actions.
PDF_ACTIVE_KEYS = {
    "/JS": _("JavaScript"),
    "/JavaScript": _("JavaScript"),
    "/AA": _("actions that run by themselves"),
}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript": _("JavaScript"),
    "/Launch": _("an action that starts a program"),
}


def pdf_active_content(reader: PdfReader) -> "tuple[str, StrOrPromise] | None":
    """The first key (or action type) of ``reader``'s document that would
    run something in a viewer, and its description; None if there is none.
    Walks every object reachable from the trailer (the catalog's
    /OpenAction and /Names, pages, annotations, form fields), each once."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too
            for key, value in dict.items(item):
                if key in PDF_ACTIVE_KEYS:
                    return key, PDF_ACTIVE_KEYS[key]
                if key == "/S":
                    kind = value.get_object()
                    if kind in PDF_ACTIVE_ACTIONS:
                        return str(kind), PDF_ACTIVE_ACTIONS[kind]
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None


def validate_pdf(file) -> None:
    """Refuse files that are too large, that are not PDFs (they must start
    as one and parse with pypdf), that cannot be checked (encrypted) or
    that hold JavaScript or actions that run or launch something."""
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={
                "size": f"{file.size / 1_048_576:.1f}",
                "limit": f"{settings.DOCUMENT_MAX_BYTES / 1_048_576:.0f}",
            },
        )
    name = os.path.basename(file.name or "")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    try:
        # At the very start: a page or a program carrying a PDF after its own
        # header is not a PDF, whatever a lenient reader makes of it.
        if file.read(5) != b"%PDF-":
            raise ValidationError(
                _("This file is not a PDF. Upload the document as a PDF file."),
                code="not_pdf",
            )
        file.seek(0)
        try:
            reader = PdfReader(file)
            if reader.is_encrypted and not reader.decrypt(""):
                raise FileNotDecryptedError("a password is needed")
            active = pdf_active_content(reader)
            len(reader.pages)
        except (FileNotDecryptedError, DependencyError) as error:
            raise ValidationError(
                _(
                    "The file “%(name)s” is encrypted or protected by a password, "
                    "so its contents cannot be checked. Save or print it again as "
                    "a PDF without a password and upload that."
                ),
                code="pdf_encrypted",
                params={"name": name},
            ) from error
        except Exception as error:  # whatever a malformed upload makes pypdf raise
            raise ValidationError(
                _(
                    "The file “%(name)s” starts like a PDF but cannot be read as "
                    "one (%(reason)s). Export or print the document to PDF again "
                    "and upload the new file."
                ),
                code="pdf_unreadable",
                params={"name": name, "reason": str(error) or type(error).__name__},
            ) from error
    finally:
        file.seek(position)
    if active:
        key, what = active
        raise ValidationError(
            _(
                "The file “%(name)s” contains %(what)s (%(key)s), which a PDF "
                "viewer could run when the document is opened, so it is not "
                "accepted. Export or print the document again as a plain PDF, "
                "without scripts or actions, and upload that."
            ),
            code="pdf_active_content",
            params={"name": name, "what": what, "key": key},
        )


class AgreementDocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents marked public, of agreements the public may see."""
        return self.filter(
            public=True, agreement__in=Agreement.objects.public().values("pk")
        )


class AgreementDocument(models.Model):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        CHINESE = "zh", _("Chinese")
        DUTCH = "nl", _("Dutch")
        FRENCH = "fr", _("French")
        GERMAN = "de", _("German")
        SPANISH = "es", _("Spanish")
        MULTILINGUAL = "mul", _("several languages")
        OTHER = "other", _("other")

    class Kind(models.TextChoices):
        SIGNED_TEXT = "signed", _("signed text")
        SCAN = "scan", _("scan")
        TRANSLATION = "translation", _("translation")
        OTHER = "other", _("other")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.SIGNED_TEXT
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        help_text=_("The language the document is written in."),
    )
    file = models.FileField(
        _("file (PDF)"),
        upload_to="agreements/%Y/",
        storage=document_storage,
        validators=[validate_pdf],
        help_text=_("PDF only."),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Public documents can be downloaded from the agreement's public page; "
            "the others only by signed-in staff."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agreement", "title"]

    def __str__(self) -> str:
        return self.title


class AgreementExchangeKind(models.Model):
    """A kind of exchange an agreement covers, with its yearly quota if any."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="exchange_kinds",
    )
    kind = models.CharField(
        _("kind of exchange"), max_length=24, choices=ExchangeKind.choices
    )
    places_per_year = models.PositiveSmallIntegerField(
        _("places per year"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the agreement sets no quota."),
    )

    class Meta:
        verbose_name = _("kind of exchange covered")
        verbose_name_plural = _("kinds of exchange covered")
        ordering = ["agreement", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind"],
                name="agreementexchangekind_unique_kind",
                violation_error_message=_(
                    "This kind of exchange is already listed for the agreement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class AgreementReminder(models.Model):
    """One expiry reminder sent (or due and covered by a later one): each lead
    time is sent once per agreement and expiry date."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    expires_on = models.DateField(
        _("expiry date reminded of"),
        help_text=_("A new expiry date starts the reminders afresh."),
    )
    lead_days = models.PositiveSmallIntegerField(_("days before expiry"))
    recipients = models.TextField(_("sent to"), blank=True)
    sent = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ["-sent"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "expires_on", "lead_days"],
                name="agreementreminder_once_per_lead_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.lead_days}"
