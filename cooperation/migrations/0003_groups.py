"""The staff roles: Editors change every record, Viewers only read."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_ACTIONS = ("view", "add", "change", "delete")
RECORD_MODELS = (
    "institution",
    "agreement",
    "agreementparty",
    "agreementdocument",
    "agreementexchangekind",
    "exchange",
    "fieldofeducation",
    "interest",
)


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now, on
    # the database being migrated.
    db = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None

    groups = apps.get_model("auth", "Group").objects.using(db)
    records = (
        apps.get_model("auth", "Permission")
        .objects.using(db)
        .filter(
            content_type__app_label="cooperation",
            content_type__model__in=RECORD_MODELS,
        )
    )
    editors, _ = groups.get_or_create(name="Editors")
    editors.permissions.add(
        *records.filter(codename__regex=rf"^({'|'.join(EDITOR_ACTIONS)})_")
    )
    viewers, _ = groups.get_or_create(name="Viewers")
    viewers.permissions.add(*records.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(
        schema_editor.connection.alias
    ).filter(name__in=["Editors", "Viewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0002_fields_of_education"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
