import datetime
import os

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
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


class AgreementQuerySet(RecordQuerySet):
    def search(self, text: str):
        """Agreements whose title or reference (weight A) or public summary
        (weight B) match ``text`` in any language, annotated with ``rank`` and
        ordered by it. Internal notes are never searched. Empty text filters
        nothing."""
        return full_text.search(self, text)

    def public(self):
        """Published agreements that have been signed (or since terminated)."""
        return self.filter(
            published=True,
            status__in=[Agreement.Status.SIGNED, Agreement.Status.TERMINATED],
        )

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


class Agreement(Record):
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
    fields = models.ManyToManyField(
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

    @property
    def state_label(self) -> str:
        """The label of the ``state`` annotation (needs ``with_state()``)."""
        return self.State(self.state).label

    @property
    def lineage_chain(self) -> list["Agreement"]:
        """Earlier agreements, oldest first (one query per step)."""
        chain, current, seen = [], self.predecessor, {self.pk}
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            chain.insert(0, current)
            current = current.predecessor
        return chain


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


def pdf_active_content(reader: PdfReader) -> tuple[str, str] | None:
    """The first key (or action type) of ``reader``'s document that would
    run something in a viewer, and its description; None if there is none.
    Walks every object reachable from the trailer (the catalog's
    /OpenAction and /Names, pages, annotations, form fields), each once."""
    seen = set()
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
