"""Load the whole ISCED-F 2013 classification in the four languages."""

import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "isced_f_2013.json"
LANGUAGES = ("en", "zh_hans", "nl", "fr")


def load_fields(apps, schema_editor):
    FieldOfEducation = apps.get_model("cooperation", "FieldOfEducation")
    by_code = {}
    # Sorted by code, so every parent is saved before its children.
    for entry in sorted(json.loads(DATA.read_text("utf-8")), key=lambda e: e["code"]):
        names = {f"name_{lang}": entry[f"name_{lang}"] for lang in LANGUAGES}
        by_code[entry["code"]] = FieldOfEducation.objects.create(
            code=entry["code"],
            level=entry["level"],
            parent=by_code.get(entry["parent"]),
            name=entry["name_en"],
            slug=slugify(f"{entry['code']} {entry['name_en']}")[:112],
            published=True,
            **names,
        )


def unload_fields(apps, schema_editor):
    FieldOfEducation = apps.get_model("cooperation", "FieldOfEducation")
    for level in ("detailed", "narrow", "broad"):
        FieldOfEducation.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]

    operations = [migrations.RunPython(load_fields, unload_fields)]
