from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member or viewer (the public never signs in)."""

    institutions = models.ManyToManyField(
        "Institution",
        verbose_name=_("institutions"),
        blank=True,
        related_name="staff",
        help_text=_(
            "When set, this user sees and edits only the records that involve "
            "these institutions. Leave empty for access to all records."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
