"""Importing and exporting institutions."""

from django.db import connection
from django.utils.translation import gettext as _

from ..models import Institution
from ..models.institution import (
    IDENTIFIER_FIELDS,
    InstitutionQuerySet,
    trigram_matching,
)
from .base import RecordResource
from .cells import (
    Boolean,
    Choice,
    Coordinate,
    Country,
    Integer,
    Related,
    Text,
    cell_text,
    column,
    is_blank,
    normalized,
    parse_country,
    translated,
)
from .directory import InstitutionDirectory, admin_link


class InstitutionResource(RecordResource):
    """Institutions.

    Columns (the export's headers; each also accepted under the field name,
    e.g. ``erasmus_code``, and the field's label in the four languages):
    Name (also: institution, English name), Name (Chinese), Name (Dutch),
    Name (French), Official name (also: 学校名称, local name), Acronym (简称),
    Aliases, Kind (a kind's code or label, e.g. school, conservatory),
    Level (e.g. higher vocational; also 专科, 本科, 中职), Country (ISO code
    or name in English, Chinese, Dutch or French; 国家), Region (province,
    省份), City (所在地), Address, Latitude, Longitude, Website, E-mail,
    Erasmus code, SCHAC code, PIC, Other identifier (e.g. the Ministry of
    Education's school code: 学校标识码, MoE code), Parent (an institution's
    identifier or name), Successor (likewise), Year founded, Description
    (and its Chinese, Dutch, French columns), Published (yes/no), Slug
    (exported only).

    Required: Name or Official name (the official name then serves as
    name), Country and Kind, unless the import form gives defaults for them.

    A row updates the institution with one of its identifiers (Erasmus code,
    SCHAC code, PIC, other identifier), else the one with the same name in
    the same country. Rows that would add an institution whose name is very
    similar to one in the same country are flagged as likely duplicates in
    the preview (a warning; they can still be imported).
    """

    required_headers = ("Name", "Country", "Kind")
    default_headers = {"country": "Country", "kind": "Kind"}

    name_en, name_zh_hans, name_nl, name_fr = translated(
        "name",
        "Name",
        aliases=("institution", "institution name", "english name"),
        chinese=("中文名称",),
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
        "country", "Country", Country(), aliases=("国家 地区", "country code")
    )
    region = column(
        "region", "Region", aliases=("province", "state", "省份", "省", "所在省份")
    )
    city = column("city", "City", aliases=("town", "所在地", "所在城市", "城市"))
    address = column("address", "Address", Text(multiline=True))
    latitude = column("latitude", "Latitude", Coordinate(), aliases=("lat",))
    longitude = column(
        "longitude", "Longitude", Coordinate(), aliases=("lon", "lng", "long")
    )
    website = column("website", "Website", aliases=("url", "web", "网址", "homepage"))
    email = column("email", "E-mail", aliases=("contact email", "mail", "邮箱"))
    erasmus_code = column("erasmus_code", "Erasmus code", aliases=("erasmus",))
    schac_code = column("schac_code", "SCHAC code", aliases=("schac",))
    pic = column("pic", "PIC", aliases=("pic code", "participant identification code"))
    other_identifier = column(
        "other_identifier",
        "Other identifier",
        aliases=("学校标识码", "标识码", "school code", "moe code", "identifier"),
    )
    parent = column("parent", "Parent", Related(), readonly=True)
    successor = column("successor", "Successor", Related(), readonly=True)
    year_founded = column(
        "year_founded", "Year founded", Integer(), aliases=("founded", "建校年份")
    )
    description_en, description_zh_hans, description_nl, description_fr = translated(
        "description", "Description", multiline=True, aliases=("简介",)
    )
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug", readonly=True)

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
        seen_identifiers, seen_names = {}, {}
        new_rows = []
        for number, row in rows:
            identifiers = directory.identifiers(
                {
                    field.attribute: row.get(field.column_name)
                    for field in self.fields.values()
                    if field.attribute in IDENTIFIER_FIELDS
                }
            )
            try:
                country = parse_country(row.get("Country"))
            except ValueError:
                country = ""
            name = normalized(cell_text(row.get("Name")))
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
                self.matches[number] = pks.pop()
                continue
            if name and country:
                key = (name, country)
                if key in seen_names and not (identifiers and seen_names[key][1]):
                    self.add_error(
                        number,
                        "Name",
                        _(
                            "Row %(row)s of this file has the same name and "
                            "country. Give each an identifier if they are "
                            "different institutions."
                        )
                        % {"row": seen_names[key][0]},
                    )
                seen_names.setdefault(key, (self.line(number), bool(identifiers)))
                same_name = directory.by_name_country.get(key, [])
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
        self.flag_duplicates(new_rows)

    def flag_duplicates(self, new_rows) -> None:
        """Rows that add an institution with a name very similar to one of an
        institution of the same country: one query for the whole file, in
        which each of the file's names probes the trigram index on the
        institutions' names (see ``InstitutionQuerySet.likely_duplicates``)."""
        names = [
            (number, country, cell_text(row.get(header)))
            for number, country, row in new_rows
            if country in self.directory.countries
            for header in ("Name", "Official name")
            if cell_text(row.get(header))
        ]
        if not names:
            return
        threshold = InstitutionQuerySet.duplicate_name_similarity
        with trigram_matching(threshold), connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT DISTINCT n.number, i.id, i.name_en, i.city, i.country
                FROM unnest(%s::integer[], %s::varchar[], %s::text[])
                    AS n (number, country, name)
                CROSS JOIN LATERAL (
                    SELECT id, name_en, city, country
                    FROM cooperation_institution
                    WHERE country = n.country
                      AND (name_en %% n.name OR official_name %% n.name)
                ) AS i
                ORDER BY n.number, i.name_en
                """,
                [list(column) for column in zip(*names, strict=True)],
            )
            found = cursor.fetchall()
        for number, pk, name, city, country in found:
            label = ", ".join(part for part in (name, city, country) if part)
            self.row_duplicates.setdefault(number, []).append(
                (label, admin_link(Institution, pk))
            )

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
