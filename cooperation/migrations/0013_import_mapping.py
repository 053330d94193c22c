"""A placeholder: the column mappings of imports come in the next step
(issue 8); 0014 depends on this migration."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0012_faster_cjk_grams"),
    ]

    operations = []
