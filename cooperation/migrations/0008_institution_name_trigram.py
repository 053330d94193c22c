from django.contrib.postgres.indexes import GinIndex
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0007_history_without_search_vector'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='institution',
            index=GinIndex(
                fields=['name_en', 'name_zh_hans', 'name_nl', 'name_fr', 'official_name'],
                name='institution_names_trgm',
                opclasses=['gin_trgm_ops'] * 5,
                fastupdate=False,
            ),
        ),
    ]
