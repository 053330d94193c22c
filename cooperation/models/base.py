"""What the record types share: slug and timestamps (``Entry``), and for the
records the public browses, publication and the sample flag (``Record``)."""

import itertools
from collections.abc import Iterator

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..caching import public_data_changed


def kept_by_database(field: models.Field) -> models.Field:
    """Mark ``field`` as a column that database triggers keep (see migration
    0009): the application never writes it."""
    field.kept_by_database = True  # type: ignore[attr-defined]
    return field


def derived_by_database(field: models.Field) -> bool:
    """True for the columns the database computes itself, generated or kept
    by triggers: writers leave them out and history does not copy them."""
    return field.generated or getattr(field, "kept_by_database", False)


class RecordQuerySet(models.QuerySet):
    def public(self):
        """The one gate for what the public may see (overridden where a record
        type has more conditions than the published switch)."""
        return self.filter(published=True)

    def lean(self, *related: str):
        """Without the stored search documents (large, never shown), also
        of the ``related`` records that ``select_related`` joins: a page
        row is then a tenth of its size."""
        return self.defer(
            *(
                f"{prefix}{field.name}"
                for prefix, model in [("", self.model)]
                + [
                    (f"{name}__", self.model._meta.get_field(name).related_model)
                    for name in related
                ]
                for field in model._meta.concrete_fields
                if isinstance(field, SearchVectorField)
                or isinstance(getattr(field, "output_field", None), SearchVectorField)
            )
        )


class Entry(models.Model):
    """Abstract base of every record type: slug and timestamps. A change of
    one is a change of the public data (page cache, see ``caching``)."""

    slug = models.SlugField(
        _("URL slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_(
            "The last part of the record's public address. Leave empty to make "
            "one from the name."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            others = type(self)._default_manager.exclude(pk=self.pk)
            self.slug = next(
                slug
                for slug in self.slug_candidates()
                if not others.filter(slug=slug).exists()
            )
        super().save(*args, **kwargs)
        public_data_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        public_data_changed()
        return deleted

    def slug_source(self) -> str:
        """The text the slug is made from."""
        raise NotImplementedError

    def slug_candidates(self) -> Iterator[str]:
        """The slugs this record may take, in order: one made from
        ``slug_source``, then it numbered ("…-2", "…-3", …). The record takes
        the first that no other has (here, or for many at once in an import)."""
        max_length: int = self._meta.get_field("slug").max_length  # type: ignore[union-attr,assignment]
        base = slugify(self.slug_source())[: max_length - 8].strip("-")
        base = base or str(self._meta.model_name)
        yield base
        for number in itertools.count(2):
            yield f"{base}-{number}"


class Record(Entry):
    """Abstract base of the records the public browses: only published ones
    are public, and the demo data marks its own."""

    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published records appear on the public site."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        editable=False,
        help_text=_("Made by the demo data command, not a real record."),
    )

    class Meta(Entry.Meta):
        abstract = True
