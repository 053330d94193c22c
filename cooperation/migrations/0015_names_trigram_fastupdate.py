from django.contrib.postgres.indexes import GinIndex
from django.db import migrations


class Migration(migrations.Migration):
    """The names' trigram index takes new entries into its pending list
    again (GIN's default): an import merges the list when it has written."""

    dependencies = [
        ("cooperation", "0014_duplicate_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER INDEX institution_names_trgm SET (fastupdate = on)",
                    "ALTER INDEX institution_names_trgm SET (fastupdate = off)",
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="institution", name="institution_names_trgm"
                ),
                migrations.AddIndex(
                    model_name="institution",
                    index=GinIndex(
                        fields=[
                            "name_en",
                            "name_zh_hans",
                            "name_nl",
                            "name_fr",
                            "official_name",
                        ],
                        name="institution_names_trgm",
                        opclasses=["gin_trgm_ops"] * 5,
                    ),
                ),
            ],
        ),
    ]
