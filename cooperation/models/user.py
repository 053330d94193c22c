from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .institution import Institution


class User(AbstractUser):
    """A staff member or viewer (the public never signs in)."""

    # Annotated: the plugin infers no types from a model named by a string.
    institutions: "models.ManyToManyField[Institution, Any]" = models.ManyToManyField(
        "Institution",
        verbose_name=_("institutions"),
        blank=True,
        related_name="staff",
        help_text=_(
            "When set, this user sees and edits only the records that involve "
            "these institutions. Leave empty for access to all records."
        ),
    )

    language = models.CharField(
        _("language of the admin"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language the admin is shown in for this user, whatever the "
            "browser asks for. Leave empty to follow the browser."
        ),
    )

    # django-stubs do not declare AbstractUser.Meta, which Django has.
    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
