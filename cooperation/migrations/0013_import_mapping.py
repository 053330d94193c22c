"""Column mappings of imported files, remembered for the next file with the
same headers (the import's mapping step, ``import_records --map``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0012_faster_cjk_grams"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportMapping",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "model",
                    models.CharField(
                        help_text="The records the file held, e.g. institution.",
                        max_length=100,
                        verbose_name="records",
                    ),
                ),
                (
                    "headers_key",
                    models.CharField(
                        help_text=(
                            "A digest of the file's column headers, compared "
                            "without case, spaces, hyphens, underscores or order."
                        ),
                        max_length=64,
                        verbose_name="key of the columns",
                    ),
                ),
                (
                    "headers",
                    models.JSONField(default=list, verbose_name="columns of the file"),
                ),
                (
                    "mapping",
                    models.JSONField(
                        default=dict,
                        help_text=(
                            "Each column header of the file and the registry "
                            "column it gives (empty: the column is ignored)."
                        ),
                        verbose_name="mapping",
                    ),
                ),
                (
                    "saved_on",
                    models.DateTimeField(auto_now=True, verbose_name="saved on"),
                ),
                (
                    "saved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="import_mappings",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="saved by",
                    ),
                ),
            ],
            options={
                "verbose_name": "import column mapping",
                "verbose_name_plural": "import column mappings",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("model", "headers_key"),
                        name="import_mapping_one_per_header_set",
                    )
                ],
            },
        ),
    ]
