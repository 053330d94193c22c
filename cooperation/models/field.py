"""Fields of education: the UNESCO ISCED-F 2013 classification."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import Entry


class FieldOfEducationQuerySet(models.QuerySet):
    def public(self):
        """Fields of education are reference data: all are public."""
        return self.all()

    def under(self, code: str):
        """This field and every narrower field below it."""
        return self.filter(code__startswith=code)


class FieldOfEducation(Entry):
    class Level(models.TextChoices):
        BROAD = "broad", _("broad field")
        NARROW = "narrow", _("narrow field")
        DETAILED = "detailed", _("detailed field")

    code = models.CharField(
        _("ISCED-F code"),
        max_length=4,
        unique=True,
        help_text=_("2 digits for a broad, 3 for a narrow, 4 for a detailed field."),
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)

    objects = FieldOfEducationQuerySet.as_manager()

    class Meta:
        verbose_name = _("field of education")
        verbose_name_plural = _("fields of education")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="broad", code__regex=r"^[0-9]{2}$")
                | Q(level="narrow", code__regex=r"^[0-9]{3}$")
                | Q(level="detailed", code__regex=r"^[0-9]{4}$"),
                name="fieldofeducation_code_matches_level",
                violation_error_message=_(
                    "The code must have 2, 3 or 4 digits for a broad, narrow or "
                    "detailed field."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level="broad", parent__isnull=True)
                | Q(~Q(level="broad"), parent__isnull=False),
                name="fieldofeducation_parent_unless_broad",
                violation_error_message=_(
                    "Narrow and detailed fields need a parent; broad fields have none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def slug_source(self) -> str:
        return f"{self.code} {self.name}"
