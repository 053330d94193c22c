"""Importing and exporting institutions."""

from collections import defaultdict

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import languages
from ..models import Institution
from ..models.institution import (
    IDENTIFIER_FIELDS,
    InstitutionQuerySet,
    Probe,
    told_apart,
)
from .base import Conflict, RecordResource
from .cells import (
    EXPORTED_ONLY,
    INSTITUTION,
    Boolean,
    Choice,
    Coordinate,
    Country,
    Integer,
    Related,
    Text,
    Website,
    cell_text,
    column,
    is_blank,
    normalized,
    parse_country,
    split_list,
    translated,
    translated_headers,
)
from .directory import InstitutionDirectory, admin_link


def in_capitals(text: str) -> bool:
    """Whether ``text`` has letters with a case, all of them capitals
    ("UNIVERSITE DE LIEGE"; not "Université de Liège", nor 上海音乐学院)."""
    cased = [c for c in text if c.lower() != c.upper()]
    return bool(cased) and all(c.isupper() for c in cased)


def _scripts(name: str) -> set[str]:
    """The scripts of a normalised name's letters: "latin" (accents are
    gone), "other" (Chinese characters and the rest)."""
    scripts = set()
    for character in name:
        if character.isalpha():
            scripts.add("latin" if character.isascii() else "other")
    return scripts


class InstitutionResource(RecordResource):
    """Institutions. The columns, as the import page describes them, are
    declared below (``column_help``); how rows are matched is
    ``matching_help``. Name or Official name is required (the official name
    then serves as name)."""

    matching_help = gettext_lazy(
        "Name or Official name is required (the official name then serves as "
        "the name). A row updates the institution with one of its identifiers "
        "(Erasmus code, SCHAC code, PIC, other identifier), else the one with "
        "the same name in the same country. A row whose identifier is that of "
        "an institution with clearly another name is not imported unless you "
        "choose “Same institution” for it in the preview: it then updates the "
        "record, and its names become the record's aliases. Rows that would "
        "add an institution like one already in the registry (the same "
        "website, or a name alike in the same country and place) are flagged "
        "as likely duplicates in the preview; they can still be imported."
    )

    required_headers = ("Name", "Country", "Kind")
    default_headers = {"country": "Country", "kind": "Kind"}

    name = translated(
        "name",
        "Name",
        aliases=(
            "institution",
            "institution name",
            "english name",
            "legal name",  # the Commission's Erasmus charter list
            "organisation name",
            "organization name",
        ),
        language_aliases={"zh-hans": ("中文名称",)},
    )
    official_name = column(
        "official_name",
        "Official name",
        aliases=("学校名称", "院校名称", "机构名称", "local name", "native name"),
    )
    acronym = column("acronym", "Acronym", aliases=("abbreviation", "简称"))
    aliases = column("aliases", "Aliases", Text(multiline=True), aliases=("alias",))
    kind = column(
        "kind",
        "Kind",
        Choice(Institution.Kind),
        aliases=("type", "institution type", "类型", "机构类型"),
    )
    level = column(
        "level",
        "Level",
        Choice(
            Institution.Level,
            aliases={
                "专科": "higher",
                "高职": "higher",
                "高职专科": "higher",
                "专科高职": "higher",
                "职业本科": "undergraduate",
                "本科": "undergraduate",
                "中职": "secondary",
                "中专": "secondary",
            },
        ),
        aliases=("办学层次", "层次"),
    )
    country = column(
        "country",
        "Country",
        Country(),
        aliases=("国家 地区",),
        # Lists that give a country's name and its code (Hipo's world
        # universities) read the code where the name is blank.
        fallbacks=("country code", "alpha_two_code", "Country Cd"),
    )
    region = column(
        "region",
        "Region",
        aliases=("province", "state", "state-province", "省份", "省", "所在省份"),
    )
    city = column("city", "City", aliases=("town", "所在地", "所在城市", "城市"))
    address = column("address", "Address", Text(multiline=True), aliases=("street",))
    latitude = column("latitude", "Latitude", Coordinate(), aliases=("lat",))
    longitude = column(
        "longitude", "Longitude", Coordinate(), aliases=("lon", "lng", "long")
    )
    website = column(
        "website",
        "Website",
        Website(),
        aliases=(
            "url",
            "web",
            "网址",
            "homepage",
            "website url",
            "web_pages",
            "web page",
            "web site",
        ),
        # A list's web domains ("ph-noe.ac.at") where it gives no website.
        fallbacks=("domains", "domain"),
    )
    email = column("email", "E-mail", aliases=("contact email", "mail", "邮箱"))
    erasmus_code = column("erasmus_code", "Erasmus code", aliases=("erasmus",))
    schac_code = column("schac_code", "SCHAC code", aliases=("schac",))
    pic = column("pic", "PIC", aliases=("pic code", "participant identification code"))
    other_identifier = column(
        "other_identifier",
        "Other identifier",
        aliases=("学校标识码", "标识码", "school code", "moe code", "identifier"),
    )
    parent = column("parent", "Parent", Related(INSTITUTION), readonly=True)
    successor = column("successor", "Successor", Related(INSTITUTION), readonly=True)
    year_founded = column(
        "year_founded", "Year founded", Integer(), aliases=("founded", "建校年份")
    )
    description = translated(
        "description", "Description", multiline=True, aliases=("简介",)
    )
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug", readonly=True, help_text=EXPORTED_ONLY)

    class Meta(RecordResource.Meta):
        model = Institution

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent", "successor")

    def _map_headers(self, dataset):
        super()._map_headers(dataset)
        if "Name" not in dataset.headers:  # the official names will do
            dataset.append_col([None] * len(dataset), header="Name")

    def prepared(self, row):
        row = super().prepared(row)
        if row is not None and is_blank(row.get("Name")):
            # A ministry's list has the official name only: it serves as name.
            row["Name"] = row.get("Official name")
        return row

    def match_rows(self, rows):
        self.directory = directory = InstitutionDirectory()
        self.keys = Institution.objects.name_keys_of(
            text
            for _number, row in rows
            for text in (
                *(cell_text(row.get(header)) for header in self.PLACE_HEADERS),
                *self.names_of(row),
            )
        )
        seen_identifiers, seen_names = {}, defaultdict(list)
        new_rows, identified = [], []
        for number, row in rows:
            identifiers = self.directory_identifiers(row)
            try:
                country = parse_country(row.get("Country"))
            except ValueError:
                country = ""
            name = self.keys.get(cell_text(row.get("Name")), "")
            for field, value in identifiers.items():
                header = self.fields[field].column_name
                if (field, value) in seen_identifiers:
                    self.add_error(
                        number,
                        header,
                        _("Row %(row)s of this file has the same %(column)s.")
                        % {
                            "row": seen_identifiers[field, value],
                            "column": self.label(header),
                        },
                    )
                seen_identifiers.setdefault((field, value), self.line(number))
            matched = {
                field: directory.by_identifier[field][value]
                for field, value in identifiers.items()
                if value in directory.by_identifier[field]
            }
            pks = set(matched.values())
            if len(pks) > 1:
                for field, pk in matched.items():
                    header = self.fields[field].column_name
                    self.add_error(
                        number,
                        header,
                        _(
                            "This identifies “%(name)s”, but another identifier "
                            "of this row identifies another institution."
                        )
                        % {"name": directory.names[pk]},
                    )
                continue
            if pks:
                self.matches[number] = pk = pks.pop()
                identified.append(
                    (number, pk, {f: identifiers[f] for f in matched}, row)
                )
                continue
            if name and country:
                key = (name, country)
                place = self.place_of(row)
                earlier = [
                    line
                    for line, other, identified_too in seen_names[key]
                    if not told_apart(place, other)
                    and not (identifiers and identified_too)
                ]
                if earlier:
                    self.repeats[number] = (
                        self.label("Name"),
                        _(
                            "Repeats line %(line)s (the same name and country, "
                            "and no identifier, region or city that tells them "
                            "apart): skipped. Give each an identifier if they "
                            "are different institutions."
                        )
                        % {"line": earlier[0]},
                    )
                    continue
                seen_names[key].append((self.line(number), place, bool(identifiers)))
                same_name = directory.by_name_country.get(key, [])
                if len(same_name) > 1:  # the row's region or city may say which
                    same_name = [
                        pk
                        for pk in same_name
                        if not told_apart(place, directory.places[pk])
                    ]
                if len(same_name) == 1:
                    self.matches[number] = same_name[0]
                    continue
                if same_name:
                    self.add_error(
                        number,
                        "Name",
                        _(
                            "Several institutions in this country have this name: "
                            "add an identifier to say which one this row updates."
                        ),
                    )
                    continue
                new_rows.append((number, country, row))
        self.find_conflicts(identified)
        self.flag_duplicates(new_rows)

    #: The columns whose names say which institution a row is (with
    #: "Aliases"; not the acronym: different institutions share acronyms).
    NAME_HEADERS = (*translated_headers("Name"), "Official name")

    PLACE_HEADERS = ("Region", "City")

    def names_of(self, row) -> list[str]:
        """The row's names (``NAME_HEADERS``) and aliases."""
        names = [cell_text(row.get(header)) for header in self.NAME_HEADERS]
        return [text for text in (*names, *split_list(row.get("Aliases"))) if text]

    def place_of(self, row) -> tuple[str, str]:
        """The keys of the row's region and city (see ``told_apart``)."""
        return tuple(
            self.keys.get(cell_text(row.get(header)), "")
            for header in self.PLACE_HEADERS
        )

    def find_conflicts(self, identified) -> None:
        """Rows found by identifier whose names are all clearly another
        institution's than the record's (``self.conflicts``): none of them
        is, as likely duplicates compare names (``name_keys``), one of the
        record's names, official name, acronym or aliases, nor as similar to
        one as ``InstitutionQuerySet.duplicate_name_similarity`` asks of a
        likely duplicate (pg_trgm's similarity, the rule that decides
        duplicates). Names in different scripts (上海音乐学院, Shanghai
        Conservatory) say nothing either way. One query for the whole file,
        for the rows whose names differ."""
        pairs = []  # (row number, a name of the file, a name of the record)
        undecided = {}
        for number, pk, matched, row in identified:
            given = {self.keys.get(text) for text in self.names_of(row)} - {"", None}
            known = self.directory.all_names.get(pk, set())
            if not given or not known or given & known:
                continue
            comparable = [
                (number, mine, theirs)
                for mine in given
                for theirs in known
                if _scripts(mine) & _scripts(theirs)
            ]
            if comparable:
                pairs += comparable
                undecided[number] = (pk, matched, row)
        if not pairs:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT number FROM unnest(%s::integer[], %s::text[], %s::text[])
                    AS pair (number, mine, theirs)
                GROUP BY number
                HAVING max(similarity(mine, theirs)) < %s
                """,
                [
                    *(list(column) for column in zip(*pairs, strict=True)),
                    InstitutionQuerySet.duplicate_name_similarity,
                ],
            )
            different = sorted(number for (number,) in cursor.fetchall())
        # When each record was last changed: what staff decide for a row in
        # the preview holds for the record as they saw it (one query).
        versions = dict(
            Institution.objects.filter(
                pk__in={undecided[number][0] for number in different}
            ).values_list("pk", "updated")
        )
        for number in different:
            pk, matched, row = undecided[number]
            identifiers = ", ".join(
                _("the %(column)s “%(value)s”")
                % {"column": self.label(self.fields[field].column_name), "value": value}
                for field, value in matched.items()
            )
            conflict = Conflict(
                line=self.line(number),
                identifiers=identifiers,
                file_name=cell_text(row.get("Name"))
                or cell_text(row.get("Official name")),
                record_name=self.directory.names[pk],
                record_url=admin_link(Institution, pk),
                record_id=pk,
                record_version=versions[pk].isoformat() if pk in versions else "",
            )
            self.add_conflict(number, conflict)

    def directory_identifiers(self, row) -> dict[str, str]:
        """The row's identifiers, as stored."""
        return self.directory.identifiers(
            {
                field.attribute: row.get(field.column_name)
                for field in self.fields.values()
                if field.attribute in IDENTIFIER_FIELDS
            }
        )

    def flag_duplicates(self, new_rows) -> None:
        """Rows that add an institution that looks like one already in the
        registry (``InstitutionQuerySet.duplicates_of``: the same website, or
        the same or a very similar name in the same country): one query for
        the whole file, unless the import does not look for them."""
        if not self.look_for_duplicates:
            return
        probes = [
            Probe(
                names=self.names_of(row),
                country=country,
                region=cell_text(row.get("Region")),
                city=cell_text(row.get("City")),
                website=cell_text(row.get("Website")),
            )
            for _number, country, row in new_rows
        ]
        found = Institution.objects.duplicates_of(probes)
        if not found:
            return
        records = Institution.objects.filter(
            pk__in={pk for similar in found.values() for pk in similar}
        ).values_list(
            "pk", languages.column("name", languages.SOURCE), "city", "country"
        )
        labels = {
            pk: ", ".join(part for part in (name, city, country) if part)
            for pk, name, city, country in records
        }
        for index, similar in found.items():
            number = new_rows[index][0]
            self.row_duplicates[number] = [
                (labels[pk], admin_link(Institution, pk))
                for pk in sorted(similar, key=labels.get)
            ]

    def import_instance(self, instance, row, **kwargs):
        if self.number in self.confirmed:
            # Staff said the row is the record's institution under other
            # names: they become its aliases, its own names stay.
            names = [cell_text(row.get(header)) for header in self.NAME_HEADERS]
            row = {h: value for h, value in row.items() if h not in self.NAME_HEADERS}
            try:
                super().import_instance(instance, row, **kwargs)
            finally:
                for name in names:
                    if name and not self.is_a_name_of(instance, name):
                        self.add_alias(instance, name)
            return
        legal_name = cell_text(row.get("Name"))
        current = (
            getattr(instance, languages.column("name", languages.SOURCE))
            if instance._import_before is not None
            else ""
        )
        if not (current and legal_name != current and in_capitals(legal_name)):
            return super().import_instance(instance, row, **kwargs)
        # A legal name in capitals (the Commission's list writes them so)
        # never replaces a name staff curated, even when asked to replace.
        row = {header: value for header, value in row.items() if header != "Name"}
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            self.keep_legal_name(instance, legal_name)

    @classmethod
    def keep_legal_name(cls, instance, legal_name: str) -> None:
        """Keep ``legal_name`` as the official name if there is none, else
        as an alias, unless it is already one of the names (case and
        accents aside)."""
        if cls.is_a_name_of(instance, legal_name):
            return
        if not instance.official_name:
            instance.official_name = legal_name
        else:
            cls.add_alias(instance, legal_name)

    @staticmethod
    def is_a_name_of(instance, name: str) -> bool:
        """Whether ``name`` is one of ``instance``'s names, official name or
        aliases (case and accents aside)."""
        names = [
            *(getattr(instance, column) for column in languages.columns("name")),
            instance.official_name,
            *(instance.aliases or "").splitlines(),
        ]
        return normalized(name) in {normalized(known) for known in names if known}

    @staticmethod
    def add_alias(instance, name: str) -> None:
        """Add ``name`` to ``instance``'s aliases (one a line)."""
        aliases = (instance.aliases or "").rstrip("\n")
        instance.aliases = f"{aliases}\n{name}" if aliases else name

    def import_relations(self, instance, row):
        errors = {}
        for attribute in ("parent", "successor"):
            header = self.fields[attribute].column_name
            if header not in row:
                continue
            text = cell_text(row[header])
            pk, problem = self.directory.find(text) if text else (None, "")
            if problem:
                errors[header] = [problem]
            setattr(instance, f"{attribute}_id", pk)
        return errors

    def relations_changed(self, instance):
        return False
