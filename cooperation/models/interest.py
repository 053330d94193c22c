from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InterestQuerySet(models.QuerySet):
    def public(self):
        """Interest registrations are never public."""
        return self.none()


class Interest(models.Model):
    """A member of the public's registration of interest in an exchange.
    Never public; deleted after the retention period."""

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
    message = models.TextField(_("message"), blank=True)
    consent = models.BooleanField(
        _("consent to be contacted"),
        help_text=_("The visitor agreed to be contacted about this exchange."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    created = models.DateTimeField(_("received"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = InterestQuerySet.as_manager()

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
        return f"{self.name} – {self.exchange}"
