from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Interest(models.Model):
    """A member of the public's registration of interest in an exchange.
    Never public; deleted after the retention period."""

    #: What the visitor tells about themselves. The change history does not
    #: copy it (translation.py registers the history), nor does ``__str__``
    #: (the admin's log keeps that): deleting a registration, in the admin,
    #: with its exchange or after the retention period (purge_interests),
    #: leaves none of it anywhere.
    PERSONAL_FIELDS = ("name", "email", "organisation", "message")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ANSWERED = "answered", _("answered")
        SPAM = "spam", _("spam")

    exchange = models.ForeignKey(
        "Exchange",
        verbose_name=_("exchange"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    # Limits for what the public types (forms enforce them): a name, an
    # organisation and a message, not a document.
    message = models.TextField(_("message"), max_length=5000, blank=True)
    consent = models.BooleanField(
        _("consent to be contacted"),
        help_text=_("The visitor agreed to be contacted about this exchange."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    notification_failed = models.BooleanField(
        _("e-mail to the organisers failed"),
        default=False,
        editable=False,
        help_text=_(
            "E-mailing this registration to the exchange's contact failed (for "
            "example, the mail server could not be reached). The daily command "
            "send_interest_notifications tries again and clears this mark."
        ),
    )
    created = models.DateTimeField(_("received"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("interest registration")
        verbose_name_plural = _("interest registrations")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True),
                name="interest_consent_given",
                violation_error_message=_(
                    "An interest registration needs consent to be contacted."
                ),
            ),
        ]

    def __str__(self) -> str:
        # No name or e-mail: the admin's log and the history keep this text.
        try:
            exchange = str(self.exchange)
        except ObjectDoesNotExist:
            # A history entry outlives its exchange (the dashboard lists it).
            exchange = gettext("deleted exchange %(id)s") % {"id": self.exchange_id}
        return gettext("registration %(id)s – %(exchange)s") % {
            "id": self.pk,
            "exchange": exchange,
        }
