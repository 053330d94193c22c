from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMappingQuerySet(models.QuerySet):
    def for_headers(self, model: str, headers_key: str):
        """The mapping saved for files of ``model`` records with the header
        set ``headers_key``, or None (one query)."""
        return self.filter(model=model, headers_key=headers_key).first()


class ImportMapping(models.Model):
    """What each column of an imported file gives, as staff chose it in the
    import's mapping step (or ``import_records --map``), remembered for the
    next file with the same columns: a list published every year keeps its
    headers, so its columns are mapped once."""

    model = models.CharField(
        _("records"),
        max_length=100,
        help_text=_("The records the file held, e.g. institution."),
    )
    headers_key = models.CharField(
        _("key of the columns"),
        max_length=64,
        help_text=_(
            "A digest of the file's column headers, compared without case, "
            "spaces, hyphens, underscores or order."
        ),
    )
    headers = models.JSONField(_("columns of the file"), default=list)
    mapping = models.JSONField(
        _("mapping"),
        default=dict,
        help_text=_(
            "Each column header of the file and the registry column it gives "
            "(empty: the column is ignored)."
        ),
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_mappings",
    )
    saved_on = models.DateTimeField(_("saved on"), auto_now=True)

    objects = ImportMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "headers_key"],
                name="import_mapping_one_per_header_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {', '.join(self.headers)}"
