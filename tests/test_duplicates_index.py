"""The duplicate checks (the add form's ``likely_duplicates`` and the import
preview's ``flag_duplicates``) find similar names through the trigram index
on the institutions' names, and leave the connection's settings as they were."""

import pytest
from django.db import connection, transaction

from cooperation.models import Institution
from cooperation.transfer import records_import
from tests.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def institutions(db):
    """A few dozen institutions: few enough that without being told, the
    planner would compare every row rather than use the index."""
    made = [
        make_institution(name_en=f"{city} {subject} Vocational College", country="CN")
        for city in ("Shanghai", "Ningbo", "Tianjin", "Haikou", "Sanya")
        for subject in ("Music", "Nursing", "Tourism", "Logistics", "Design")
    ]
    made.append(
        make_institution(
            name_en="Shanghai Conservatory of Music",
            official_name="上海音乐学院",
            country="CN",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cooperation_institution")
    return made


class Plans:
    """Records the plan of each query that compares names with pg_trgm's
    ``%``, explained on the same connection just before it runs (so with the
    settings in force at that moment)."""

    def __init__(self):
        self.plans = []

    def __call__(self, execute, sql, params, many, context):
        if " % " in sql.replace("%%", "%") and not many:
            cursor = context["cursor"].cursor  # psycopg2's, not wrapped again
            cursor.execute("EXPLAIN " + sql, params)
            self.plans.append("\n".join(row[0] for row in cursor.fetchall()))
        return execute(sql, params, many, context)


def uses_the_trigram_index(plan: str) -> bool:
    return (
        "institution_names_trgm" in plan
        and "Seq Scan on cooperation_institution" not in plan
    )


def settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('pg_trgm.similarity_threshold'), "
            "current_setting('enable_seqscan')"
        )
        return cursor.fetchone()


def test_add_form_check_uses_the_trigram_index(institutions):
    plans = Plans()
    with transaction.atomic():  # as in the admin's add view
        before = settings()
        with connection.execute_wrapper(plans):
            found = Institution.objects.likely_duplicates(
                name=["Shanghai Music Vocational Colege", "上海音乐学院"],
                country="CN",
            )
            names = [institution.name_en for institution in found]
        assert settings() == before  # nothing left behind
    assert names[:2] == [
        "Shanghai Conservatory of Music",  # the same official name: 1
        "Shanghai Music Vocational College",
    ]
    assert "Haikou Design Vocational College" not in names
    assert plans.plans and all(uses_the_trigram_index(p) for p in plans.plans)


def test_import_preview_check_uses_the_trigram_index(institutions):
    content = (
        "Name,Official name,Country,Kind\n"
        "Shanghai Music Vocational Colege,,China,school\n"
        "Ningbo Dance Academy,宁波舞蹈学院,China,school\n"
    ).encode()
    plans = Plans()
    with connection.execute_wrapper(plans):
        _model, result = records_import(data=content, file_name="new.csv", dry_run=True)
    assert [row.number for row in result.rows_with_duplicates()] == [1]
    assert len(plans.plans) == 1
    assert uses_the_trigram_index(plans.plans[0]), plans.plans[0]
    assert settings() == ("0.3", "on")


def test_the_planner_would_not_use_the_index_by_itself(institutions):
    """What the settings of ``trigram_matching`` are for: were the planner
    to choose the index anyway, the test above could not fail."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.6")
        cursor.execute(
            "EXPLAIN SELECT id FROM cooperation_institution "
            "WHERE country = 'CN' AND (name_en %% %s OR official_name %% %s)",
            ["Shanghai Music Vocational Colege"] * 2,
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert not uses_the_trigram_index(plan)
