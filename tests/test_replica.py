"""Public reads from a replica (DATABASE_REPLICA_URL, cooperation/routers.py):
the pages of visitors who are not signed in read from 'replica'; staff, the
admin, forms sent, reads inside a transaction or after a write read from the
primary ('default')."""

import copy

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.html import escape

from cooperation.models import Exchange, Interest
from cooperation.routers import REPLICA, ReplicaMiddleware
from tests.factories import make_agreement, make_exchange
from tests.test_production import fresh_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(db, settings):
    """'replica' as settings.py makes it, a test mirror of the primary, with
    the router and its middleware. A replica has what the primary committed,
    and a test commits nothing: the mirror reads through the primary's own
    connection, so it sees the test's data, as a replica without lag would."""
    primary = connections[DEFAULT_DB_ALIAS]
    mirror = copy.deepcopy(primary.settings_dict)
    mirror["TEST"] = {**mirror["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = mirror
    primary.ensure_connection()
    connections[REPLICA].connection = primary.connection
    settings.DATABASE_ROUTERS = ["cooperation.routers.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "cooperation.routers.ReplicaMiddleware",
    )
    settings.MIDDLEWARE = middleware
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].connection = None  # the primary's: not closed here
        del connections[REPLICA]
        del connections.settings[REPLICA]


class Queries:
    """The queries each database answered within the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
        self.replica = CaptureQueriesContext(connections[REPLICA])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def with_language(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def test_an_anonymous_catalog_request_reads_from_the_replica(client, replica):
    make_exchange(title="Rehabilitation internship in Haikou")
    with Queries() as queries:
        response = client.get(with_language("exchange-list"))
    assert response.status_code == 200
    assert escape("Rehabilitation internship in Haikou") in response.text
    assert len(queries.replica) > 0
    assert len(queries.primary) == 0


def test_a_streamed_export_reads_from_the_replica_while_it_streams(client, replica):
    make_exchange(title="Luban Workshop training course")
    with Queries() as queries:
        response = client.get(with_language("exchange-csv"))
        content = b"".join(response.streaming_content).decode()
    assert "Luban Workshop training course" in content
    assert len(queries.replica) > 0
    assert len(queries.primary) == 0


def test_signed_in_staff_read_from_the_primary(client, replica, superuser):
    agreement = make_agreement(title="Letter of intent on vocational education")
    client.force_login(superuser)
    for url in (
        with_language("agreement-list"),
        reverse("admin:cooperation_agreement_changelist"),
        reverse("admin:cooperation_agreement_change", args=[agreement.pk]),
    ):
        with Queries() as queries:
            assert client.get(url).status_code == 200
        assert len(queries.replica) == 0, url
        assert len(queries.primary) > 0, url


def test_a_form_sent_is_read_and_written_on_the_primary(client, replica):
    exchange = make_exchange(title="Teacher exchange in music")
    with Queries() as queries:
        response = client.post(
            exchange.get_absolute_url(),
            {
                "name": "Li Hua",
                "email": "li.hua@example.org",
                "organisation": "Shanghai Conservatory of Music",
                "message": "",
                "consent": "on",
            },
        )
    assert response.status_code == 302
    assert Interest.objects.filter(exchange=exchange).count() == 1
    assert len(queries.replica) == 0
    assert len(queries.primary) > 0


def test_reads_inside_a_transaction_or_after_a_write_go_to_the_primary(replica):
    """Within one anonymous GET: the replica at first; the primary inside a
    transaction (it holds what the replica cannot see) and after a write
    (which the replica may not have yet)."""
    seen = []

    def view(request):
        middleware.process_view(request, view, (), {})
        seen.append(router.db_for_read(Exchange))
        with transaction.atomic():
            seen.append(router.db_for_read(Exchange))
        seen.append(router.db_for_read(Exchange))
        Exchange.objects.filter(pk=0).update(title="nothing")
        seen.append(router.db_for_read(Exchange))
        return None

    middleware = ReplicaMiddleware(view)
    request = RequestFactory().get("/en/exchanges/")
    request.resolver_match = resolve("/en/exchanges/")
    middleware(request)
    assert seen == [REPLICA, DEFAULT_DB_ALIAS, REPLICA, DEFAULT_DB_ALIAS]
    # Outside a request: the primary.
    assert router.db_for_read(Exchange) == DEFAULT_DB_ALIAS


def test_writes_and_migrations_are_for_the_primary_only(replica):
    assert router.db_for_write(Exchange) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cooperation")
    assert not router.allow_migrate(REPLICA, "cooperation")


def test_the_replica_comes_from_the_environment():
    result = fresh_process(
        "import cooperation.settings as s\n"
        "r = s.DATABASES['replica']\n"
        "print(r['HOST'], r['NAME'], r['TEST'], r['OPTIONS']['connect_timeout'])\n"
        "print(s.DATABASE_ROUTERS)\n"
        "m = s.MIDDLEWARE\n"
        "print(m.index('cooperation.routers.ReplicaMiddleware') + 1 == "
        "m.index('django.contrib.sessions.middleware.SessionMiddleware'))\n",
        DJANGO_SECRET_KEY="k",
        DATABASE_REPLICA_URL="postgres://reader@replica.example.org:5432/registry",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "replica.example.org registry {'MIRROR': 'default'} 3",
        "['cooperation.routers.ReplicaRouter']",
        "True",
    ]


def test_without_a_replica_there_is_no_router():
    result = fresh_process(
        "import cooperation.settings as s\n"
        "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []))",
        DJANGO_SECRET_KEY="k",
    )
    assert result.stdout.strip() == "['default'] []"


def test_a_replica_that_is_not_postgresql_is_refused():
    result = fresh_process(
        "import cooperation.settings",
        DJANGO_SECRET_KEY="k",
        DATABASE_REPLICA_URL="mysql://reader@replica.example.org/registry",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must point at a PostgreSQL database" in result.stderr
