from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import Case, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .. import languages
from .. import search as full_text
from ..identifiers import (
    ERASMUS_CODE_REGEX,
    PIC_REGEX,
    SCHAC_CODE_REGEX,
    ErasmusCodeField,
    PicField,
    SchacCodeField,
    validate_erasmus_code,
    validate_pic,
    validate_schac_code,
)
from ..images import reencoded_image, validate_logo
from .base import Record, RecordQuerySet

IDENTIFIER_FIELDS = ("erasmus_code", "schac_code", "pic", "other_identifier")
#: The names compared to find likely duplicates (trigram-indexed).
NAME_COLUMNS = (*languages.columns("name"), "official_name")


def told_apart(place, other) -> bool:
    """Whether two places, (region, city) as compared by
    ``cooperation_name_key``, tell institutions of the same name apart: both
    give a region, or both a city, and they differ (nine American community
    colleges share a name across states)."""
    return any(a and b and a != b for a, b in zip(place, other, strict=True))


@contextmanager
def trigram_matching(threshold: float):
    """Within the block, pg_trgm's ``%`` (``trigram_similar``) means "at
    least ``threshold`` similar", and the planner uses the trigram indexes:
    pg_trgm tells it that ``%`` is cheap, so on tables of a few thousand rows
    it would rather compare every row, at some microseconds a pair. Both
    settings end with the block, a savepoint rolled back: read only in it."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
                "set_config('enable_seqscan', 'off', true)",
                [str(threshold)],
            )
        yield
        transaction.set_rollback(True)


class InstitutionQuerySet(RecordQuerySet):
    def search(self, text: str):
        """Institutions whose names, official name, acronym, identifiers
        (weight A), aliases or description (weight B) match ``text`` in any
        language, annotated with ``rank`` and ordered by it (see
        cooperation/search.py). Empty text filters nothing."""
        return full_text.search(self, text)

    def matching_name(self, text: str):
        """The institution whose slug is ``text``; else those named exactly
        ``text`` in any language (case aside); else those whose names contain
        its words. Queries once or twice to decide; the result is a
        queryset (usable as a subquery)."""
        text = text.strip()[: full_text.MAX_QUERY_LENGTH]
        by_slug = self.filter(slug=text)
        if by_slug.exists():
            return by_slug
        query = full_text.build_query(text)
        if query is None:
            return self.none()
        named = self.filter(full_text.matches(query)).filter(
            full_text.matches(query, "names_vector")
        )
        same = Q()
        for column in (*NAME_COLUMNS, "acronym"):
            same |= Q(**{f"{column}__iexact": text})
        exactly = named.filter(same)
        return exactly if exactly.exists() else named

    def suggestions(self, text: str, size: int = 10) -> list[dict]:
        """Up to ``size`` institutions whose names start words with the words
        of ``text`` (type-ahead), shortest names first, as dicts of name,
        city, country and slug. One query, served by the search index; it
        looks at no more than 200 matches."""
        query = full_text.prefix_query(text, weight="A")
        if query is None:
            return []
        found = self.filter(full_text.matches(query)).values("pk")[:200]
        return list(
            self.filter(pk__in=found)
            .annotate(length=Length("name"))
            .order_by("length", "name", "pk")
            .values("name", "city", "country", "slug")[:size]
        )

    #: How similar (pg_trgm's trigram similarity, 0 to 1) a name must be to
    #: one of an institution of the same country to make it a likely duplicate.
    #: At 0.6, names that share only their generic words were alike
    #: ("University of Alabama", "University of Alaska": 0.65), and a probe
    #: of generated names found ten times as many (docs/benchmarks.md).
    duplicate_name_similarity = 0.7

    def name_keys_of(self, texts) -> dict[str, str]:
        """Each of ``texts`` (names) as likely duplicates compare names
        (``cooperation_name_key``, migration 0014: case, accents, the ASCII
        spellings of letters and punctuation aside). One query."""
        texts = list(dict.fromkeys(text for text in texts if text))
        if not texts:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT text, cooperation_name_key(text) "
                "FROM unnest(%s::text[]) AS text",
                [texts],
            )
            return dict(cursor.fetchall())

    def duplicates_of(self, probes: list["Probe"]) -> dict[int, dict[int, float]]:
        """The rule of likely duplicates, for many descriptions at once (the
        add form asks for one, an import for each new row of its file). An
        institution is a likely duplicate of a probe when

        - its website is on the probe's website's host (``website_host``), or
        - it is in the probe's country, the region and the city do not tell
          them apart (both given and different: nine American colleges share
          a name across states), and one of its names, official name or
          aliases is one of the probe's names as compared by
          ``cooperation_name_key`` (similarity 1) or at least
          ``duplicate_name_similarity`` similar to one (pg_trgm, through the
          trigram index).

        Shared identifiers are the callers' (an import already knows them).
        One query: {probe's index in ``probes``: {pk: similarity}}."""
        columns: dict[str, list[int | str]] = {
            "number": [],
            "country": [],
            "region": [],
            "city": [],
            "host": [],
        }
        named = []  # (number, name)
        # Names are compared within a country: none where it has no
        # institution yet (the first import of a country's list).
        countries = set(
            self.filter(country__in={probe.country_code for probe in probes})
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        for number, probe in enumerate(probes):
            names = [text.strip() for text in probe.names if text and text.strip()]
            if probe.country_code not in countries:
                names = []
            if not (names and probe.country) and not probe.website:
                continue
            for key, value in (
                ("number", number),
                ("country", probe.country_code),
                ("region", probe.region or ""),
                ("city", probe.city or ""),
                ("host", probe.website or ""),
            ):
                columns[key].append(value)
            named += [(number, text) for text in dict.fromkeys(names)]
        if not columns["number"]:
            return {}
        similar = " OR ".join(f"i.{column} %% n.name" for column in NAME_COLUMNS)
        greatest = ", ".join(
            f"similarity(i.{column}, n.name)" for column in NAME_COLUMNS
        )
        sql = f"""
            WITH probe AS (
                SELECT number, country, cooperation_web_host(host) AS host,
                    cooperation_name_key(region) AS region,
                    cooperation_name_key(city) AS city
                FROM unnest(
                    %s::integer[], %s::text[], %s::text[], %s::text[], %s::text[]
                ) AS p (number, country, region, city, host)
            ), named AS (
                SELECT number, name, cooperation_name_key(name) AS key
                FROM unnest(%s::integer[], %s::text[]) AS n (number, name)
            ), found AS (
                SELECT p.number, i.id, 1.0::float AS similarity, true AS same_site
                FROM probe p JOIN cooperation_institution i
                    ON i.website_host = p.host AND i.website_host <> ''
                UNION ALL
                SELECT p.number, i.id, 1.0::float, false
                FROM probe p
                JOIN (SELECT number, array_agg(key) AS keys FROM named
                      WHERE key <> '' GROUP BY number) AS k USING (number)
                JOIN cooperation_institution i
                    ON i.country = p.country AND i.name_keys && k.keys
                UNION ALL
                SELECT p.number, i.id, i.similarity, false
                FROM named n JOIN probe p USING (number)
                CROSS JOIN LATERAL (
                    SELECT id, greatest({greatest}) AS similarity
                    FROM cooperation_institution i
                    WHERE i.country = p.country AND ({similar})
                ) AS i
                WHERE i.similarity >= %s
            )
            SELECT f.number, f.id, max(f.similarity), bool_or(f.same_site),
                p.region, p.city,
                cooperation_name_key(i.region), cooperation_name_key(i.city)
            FROM found f
            JOIN probe p USING (number)
            JOIN cooperation_institution i ON i.id = f.id
            WHERE f.id <> ALL(%s::integer[])
            GROUP BY f.number, f.id, p.region, p.city, i.region, i.city
        """
        excluded = [probe.exclude_pk for probe in probes if probe.exclude_pk]
        threshold = self.duplicate_name_similarity
        found: dict[int, dict[int, float]] = {}
        with trigram_matching(threshold), connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    *columns.values(),
                    [number for number, _ in named],
                    [text for _, text in named],
                    threshold,
                    excluded,
                ],
            )
            for number, pk, similarity, same_site, *places in cursor.fetchall():
                if same_site or not told_apart(places[:2], places[2:]):
                    found.setdefault(number, {})[pk] = similarity
        return found

    def likely_duplicates(
        self,
        *,
        name: str | list[str] = "",
        country: str = "",
        region: str = "",
        city: str = "",
        website: str = "",
        identifiers: dict[str, str] | None = None,
        exclude_pk: int | None = None,
    ):
        """Institutions that are probably the one described: those with one of
        ``identifiers`` (a dict of IDENTIFIER_FIELDS values, normalised as the
        fields do), in any country, and those that ``duplicates_of`` finds
        (the same website, or a name that is the same or very similar in the
        same country). Annotated with ``similarity`` (1 for a shared
        identifier, website or name), most similar first. Queries right away
        for all but the identifiers; the result is a queryset."""
        same_identifier = Q()
        for field, value in (identifiers or {}).items():
            value = self.model._meta.get_field(field).to_python(value)
            if value:
                same_identifier |= Q(**{field: value})
        probe = Probe(
            names=[name] if isinstance(name, str) else list(name),
            country=country,
            region=region,
            city=city,
            website=website,
            exclude_pk=exclude_pk,
        )
        similar = self.duplicates_of([probe]).get(0, {})
        similarity = Case(
            *(When(pk=pk, then=Value(value)) for pk, value in similar.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
        if same_identifier:
            similarity = Case(
                When(same_identifier, then=Value(1.0)),
                default=similarity,
                output_field=FloatField(),
            )
        found = (
            self.annotate(similarity=similarity)
            .filter(same_identifier | Q(pk__in=similar))
            .order_by("-similarity", languages.column("name", languages.SOURCE))
        )
        return found.exclude(pk=exclude_pk) if exclude_pk else found


@dataclass
class Probe:
    """What ``InstitutionQuerySet.duplicates_of`` compares: an institution
    being added or a row of an import."""

    names: list[str]
    country: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    #: The record itself, when it is being changed.
    exclude_pk: int | None = None

    @property
    def country_code(self) -> str:
        """The country's code (``country`` may be a Country)."""
        return str(getattr(self.country, "code", self.country) or "")


class Institution(Record):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        UNIVERSITY = "university", _("university or college")
        CONSERVATORY = "conservatory", _("conservatory")
        REHABILITATION_CENTRE = "rehabilitation", _("rehabilitation centre")
        COMPANY = "company", _("company")
        GOVERNMENT = "government", _("government body (ministry, embassy)")
        INTERNATIONAL = "international", _("international organisation")
        ALLIANCE = "alliance", _("alliance or network")
        TRAINING_CENTRE = "training", _("training centre (e.g. Luban Workshop)")

    class Level(models.TextChoices):
        SECONDARY_VOCATIONAL = "secondary", _("secondary vocational")
        HIGHER_VOCATIONAL = "higher", _("higher vocational (short-cycle)")
        UNDERGRADUATE_VOCATIONAL = "undergraduate", _("undergraduate vocational")
        APPLIED_SCIENCES = "applied", _("university of applied sciences")
        UNIVERSITY = "university", _("university")

    SCHOOL_KINDS = (Kind.SCHOOL, Kind.UNIVERSITY, Kind.CONSERVATORY)

    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("The international name, usually in English."),
    )
    official_name = models.CharField(
        _("official name"),
        max_length=255,
        blank=True,
        help_text=_(
            "The name in the institution's own language, e.g. 上海音乐学院 or "
            "AP Hogeschool Antwerpen."
        ),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    aliases = models.TextField(
        _("former names and aliases"),
        blank=True,
        help_text=_("One per line. All of them are found by search."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(
        _("level"),
        max_length=16,
        choices=Level.choices,
        blank=True,
        help_text=_("For schools, universities and conservatories only."),
    )
    country = CountryField(_("country"))
    region = models.CharField(
        _("region or province"),
        max_length=120,
        blank=True,
        help_text=_("E.g. Hainan, Shanghai, Flanders."),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, north positive, for the map."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, east positive, for the map."),
    )
    website = models.URLField(_("website"), max_length=2000, blank=True)
    email = models.EmailField(
        _("public contact e-mail"),
        blank=True,
        help_text=_("Shown on the public page."),
    )
    erasmus_code = ErasmusCodeField(
        _("Erasmus code"),
        max_length=16,
        blank=True,
        validators=[validate_erasmus_code],
        help_text=_("E.g. “B  ANTWERP01”: the country part is padded to three."),
    )
    schac_code = SchacCodeField(
        _("SCHAC code"),
        max_length=253,
        blank=True,
        validators=[validate_schac_code],
        help_text=_("The internet domain used by Erasmus Without Paper, e.g. ap.be."),
    )
    pic = PicField(
        _("PIC"),
        max_length=9,
        blank=True,
        validators=[validate_pic],
        help_text=_("The 9-digit Participant Identification Code of the EU."),
    )
    other_identifier = models.CharField(
        _("other identifier"),
        max_length=64,
        blank=True,
        help_text=_(
            "Any other unique code, e.g. the Chinese Ministry of Education's "
            "10-digit school code."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_(
            "For a faculty, a centre, or a Luban Workshop hosted by a college."
        ),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The institution this one was renamed to or merged into."),
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(800)],
    )
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="logos/", blank=True, validators=[validate_logo]
    )
    search_vector = full_text.search_vector_field(
        primary="name",
        primary_others=("official_name", "acronym", *IDENTIFIER_FIELDS),
        secondary="description",
        secondary_others=("aliases",),
    )
    # What an exchange's search document copies of its host and partners.
    names_vector = full_text.names_vector_field(
        names="name", others=("official_name", "acronym", "aliases")
    )
    # What likely duplicates compare (see migration 0014 for the rules).
    name_keys = models.GeneratedField(
        expression=Func(
            *(F(column) for column in NAME_COLUMNS),
            F("aliases"),
            function="cooperation_name_keys",
        ),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
        verbose_name=_("names as duplicates compare them"),
    )
    website_host = models.GeneratedField(
        expression=Func(F("website"), function="cooperation_web_host"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("website's host"),
    )

    objects = InstitutionQuerySet.as_manager()

    if TYPE_CHECKING:
        # Added by modeltranslation (translation.py), one per language.
        name_en: str | None

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="institution_search_vector_gin"),
            # pg_trgm's ``%`` on each name column (likely duplicates): a
            # multicolumn GIN index serves a condition on any of its columns.
            GinIndex(
                fields=NAME_COLUMNS,
                opclasses=["gin_trgm_ops"] * len(NAME_COLUMNS),
                name="institution_names_trgm",
                # New entries wait in GIN's unsorted pending list until a
                # vacuum merges them: writing each into the index at once
                # cost 0.2 ms a row, a fifth of a large import. An import
                # merges the list when it has written (``writing``), since a
                # probe scans all of it (up to 4 MB).
            ),
            GinIndex(fields=["name_keys"], name="institution_name_keys"),
            models.Index(
                fields=["website_host"],
                condition=~Q(website_host=""),
                name="institution_website_host",
            ),
        ]
        constraints = [
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=~Q(**{field: ""}),
                    name=f"institution_unique_{field}",
                    # "unique" puts the message on the field, not the form.
                    violation_error_code="unique",
                    violation_error_message=_(
                        "Another institution already has this identifier."
                    ),
                )
                for field in IDENTIFIER_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(erasmus_code="")
                | Q(erasmus_code__regex=ERASMUS_CODE_REGEX),
                name="institution_erasmus_code_format",
            ),
            models.CheckConstraint(
                condition=Q(schac_code="") | Q(schac_code__regex=SCHAC_CODE_REGEX),
                name="institution_schac_code_format",
            ),
            models.CheckConstraint(
                condition=Q(pic="") | Q(pic__regex=PIC_REGEX),
                name="institution_pic_format",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="institution_coordinates_valid",
                violation_error_message=_(
                    "Give both latitude (-90 to 90) and longitude (-180 to 180), "
                    "or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level="")
                | Q(kind__in=["school", "university", "conservatory"]),
                name="institution_level_only_for_schools",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="institution_not_own_parent",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("id")),
                name="institution_not_own_successor",
            ),
            models.CheckConstraint(
                condition=Q(year_founded__isnull=True) | Q(year_founded__gte=800),
                name="institution_year_founded_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.logo and not self.logo._committed:
            # A new upload: stored re-encoded, without its metadata.
            self.logo = reencoded_image(self.logo)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("institution-detail", kwargs={"slug": self.slug})

    def slug_source(self) -> str:
        return self.name_en or self.name

    def clean(self):
        errors = {}
        if self.level and self.kind not in self.SCHOOL_KINDS:
            errors["level"] = _(
                "A level applies only to schools, universities and conservatories."
            )
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("Give both latitude and longitude, or neither.")
        if self.year_founded and self.year_founded > timezone.localdate().year:
            errors["year_founded"] = _("The year founded cannot be in the future.")
        if self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An institution cannot be its own parent.")
        if self.pk and self.successor_id == self.pk:
            errors["successor"] = _("An institution cannot be its own successor.")
        if errors:
            raise ValidationError(errors)
