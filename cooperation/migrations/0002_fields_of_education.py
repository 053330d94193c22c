"""Load the whole ISCED-F 2013 classification in the four languages."""

import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "isced_f_2013.json"
LANGUAGES = ("en", "zh_hans", "nl", "fr")


def load_fields(apps, schema_editor):
    # On the database being migrated (manage.py migrate --database ...).
    fields = apps.get_model("cooperation", "FieldOfEducation").objects.using(
        schema_editor.connection.alias
    )
    by_code = {}
    # Sorted by code, so every parent is saved before its children.
    for entry in sorted(json.loads(DATA.read_text("utf-8")), key=lambda e: e["code"]):
        names = {f"name_{lang}": entry[f"name_{lang}"] for lang in LANGUAGES}
        by_code[entry["code"]] = fields.create(
            code=entry["code"],
            level=entry["level"],
            parent=by_code.get(entry["parent"]),
            name=entry["name_en"],
            slug=slugify(f"{entry['code']} {entry['name_en']}")[:112],
            published=True,
            **names,
        )


def unload_fields(apps, schema_editor):
    fields = apps.get_model("cooperation", "FieldOfEducation").objects.using(
        schema_editor.connection.alias
    )
    for level in ("detailed", "narrow", "broad"):
        fields.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]

    operations = [migrations.RunPython(load_fields, unload_fields)]
