"""What likely duplicates are compared by, kept by the database itself so that
every way of writing an institution (the admin, an import's COPY, the data
generator, a merge) keeps them current:

- ``cooperation_name_key(text)``: a name as duplicates compare it: lower
  case, without accents, with the ASCII spellings of letters made one with
  the letters (Universität = Universitaet = Universitat, Straße = Strasse,
  Ørsted = Oersted = Orsted), punctuation and runs of spaces one space.
- ``name_keys``: the keys of an institution's names in every language, its
  official name and each of its aliases (GIN-indexed: ``&&`` finds the
  institutions sharing a key).
- ``cooperation_web_host(text)`` and ``website_host``: the host of the
  website in lower case without ``www.``, so that ``http://www.ugent.be/``,
  ``https://ugent.be/en`` and ``ugent.be`` are one site.

Websites may now be up to 2,000 characters long (a published list has a
220-character address).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.expressions
from django.db import migrations, models

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION {s}.cooperation_name_key(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
SELECT pg_catalog.btrim(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(
        pg_catalog.translate(
            pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                pg_catalog.lower($1), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'),
            'àáâãäåāăąǎçćĉċčďđèéêëēĕėęěǧĝğġģĥħìíîïĩīĭįıǐĵķĺļľŀłñńņňòóôõöøōŏőǒŕŗřśŝşšșţťŧțùúûüũūŭůűųǔŵýÿŷźżž',
            'aaaaaaaaaacccccddeeeeeeeeeggggghhiiiiiiiiiijklllllnnnnoooooooooorrrsssssttttuuuuuuuuuuuwyyyzzz'
        ),
        -- ae, oe, ue: how ä, ö and ü are written without them.
        '([aou])e', '\1', 'g'
    ),
    '[^[:alnum:]]+', ' ', 'g'
))
$$;

CREATE OR REPLACE FUNCTION {s}.cooperation_name_keys(VARIADIC text[])
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT COALESCE(pg_catalog.array_agg(DISTINCT key ORDER BY key), '{{}}')
FROM pg_catalog.unnest($1) AS texts (text),
     pg_catalog.regexp_split_to_table(texts.text, E'\n') AS lines (line),
     {s}.cooperation_name_key(lines.line) AS key
WHERE key <> ''
$$;

CREATE OR REPLACE FUNCTION {s}.cooperation_web_host(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
SELECT pg_catalog.rtrim(pg_catalog.regexp_replace(
    pg_catalog.split_part(pg_catalog.split_part(pg_catalog.split_part(
        pg_catalog.split_part(pg_catalog.regexp_replace(
            pg_catalog.regexp_replace(pg_catalog.lower(pg_catalog.btrim($1)),
                '^[a-z][a-z0-9+.-]*://', ''),
            '^[^/@]*@', ''), '/', 1), '?', 1), '#', 1), ':', 1),
    '^www[0-9]*\.', ''), '.')
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS {s}.cooperation_web_host(text);
DROP FUNCTION IF EXISTS {s}.cooperation_name_keys(VARIADIC text[]);
DROP FUNCTION IF EXISTS {s}.cooperation_name_key(text);
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.quote_name(cursor.fetchone()[0])


def create_functions(apps, schema_editor):
    schema_editor.execute(FUNCTIONS.format(s=_schema(schema_editor)), params=None)


def drop_functions(apps, schema_editor):
    schema_editor.execute(DROP.format(s=_schema(schema_editor)), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0013_import_mapping"),
    ]

    operations = [
        migrations.RunPython(create_functions, drop_functions),
        migrations.AlterField(
            model_name="institution",
            name="website",
            field=models.URLField(blank=True, max_length=2000, verbose_name="website"),
        ),
        migrations.AlterField(
            model_name="historicalinstitution",
            name="website",
            field=models.URLField(blank=True, max_length=2000, verbose_name="website"),
        ),
        migrations.AddField(
            model_name="institution",
            name="name_keys",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.Func(
                    models.F("name_en"),
                    models.F("name_zh_hans"),
                    models.F("name_nl"),
                    models.F("name_fr"),
                    models.F("official_name"),
                    models.F("aliases"),
                    function="cooperation_name_keys",
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), size=None
                ),
                verbose_name="names as duplicates compare them",
            ),
        ),
        migrations.AddField(
            model_name="institution",
            name="website_host",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.Func(
                    models.F("website"), function="cooperation_web_host"
                ),
                output_field=models.TextField(),
                verbose_name="website's host",
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name_keys"], name="institution_name_keys"
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=models.Index(
                condition=models.Q(("website_host", ""), _negated=True),
                fields=["website_host"],
                name="institution_website_host",
            ),
        ),
    ]
